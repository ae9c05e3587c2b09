-- caller bucket, pair bucket, cooldown key, per caller, per callee, window ms → '' when the call
-- may ring (one token taken from each budget), else 'reason|seconds' (nothing taken): the
-- in-memory CallStartLimiter.refusalOf, on Redis's clock for every instance together.
local caller_key, pair_key, cooldown_key = ARGV[1], ARGV[2], ARGV[3]
local per_caller, per_callee, window = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cooling = redis.call('PTTL', cooldown_key)
if cooling > 0 then
  return 'declined_recently|' .. math.max(1, math.ceil(cooling / 1000))
end
-- A bucket refills `size` tokens over the window; a missing one is full.
local function level(key, size)
  local bucket = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(bucket[1]) or size
  local at = tonumber(bucket[2]) or now
  return math.min(size, tokens + (now - at) * size / window)
end
local function refused(tokens, size)
  return 'too_many_calls|' .. math.max(1, math.ceil((1 - tokens) * window / size / 1000))
end
local own = level(caller_key, per_caller)
if own < 1 then return refused(own, per_caller) end
local pair = level(pair_key, per_callee)
if pair < 1 then return refused(pair, per_callee) end
-- Left alone for a window, a bucket is full again: it expires then.
for key, tokens in pairs({[caller_key] = own - 1, [pair_key] = pair - 1}) do
  redis.call('HSET', key, 'tokens', tostring(tokens), 'at', now)
  redis.call('PEXPIRE', key, window)
end
return ''
