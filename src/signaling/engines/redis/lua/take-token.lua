-- key, per minute → 0, or the seconds until the bucket holds a token again. Redis's clock, so
-- that every instance refills the same bucket at the same rate; a bucket left alone for a minute
-- is full again, so it expires then.
local key, per_minute = ARGV[1], tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local bucket = redis.call('HMGET', key, 'tokens', 'at')
local tokens = tonumber(bucket[1]) or per_minute
local elapsed = now - (tonumber(bucket[2]) or now)
tokens = math.min(per_minute, tokens + elapsed * per_minute / 60000)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.max(1, math.ceil((1 - tokens) * 60 / per_minute))
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', key, 60000)
return wait
