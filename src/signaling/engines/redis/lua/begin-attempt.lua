-- key, max failures, window ms → 0 when the attempt may go ahead (it now counts as a failure),
-- or the seconds until the window that holds the failures has passed. A refused attempt is not
-- counted. The window starts at the first failure (LoginAttempts slides it; the bound is the same).
local key, max = ARGV[1], tonumber(ARGV[2])
local failures = redis.call('INCR', key)
if failures == 1 then redis.call('PEXPIRE', key, ARGV[3]) end
if failures <= max then return 0 end
redis.call('DECR', key)
return math.max(1, math.ceil(redis.call('PTTL', key) / 1000))
