-- resume-failure key (RedisKeys.resumeFailures), window ms → failed resumes of that pair within the window, this one
-- included (counted as failed until it succeeds, as LoginAttempts does).
local key = ARGV[3]
local failures = redis.call('INCR', key)
if failures == 1 then redis.call('PEXPIRE', key, ARGV[4]) end
return done(failures)
