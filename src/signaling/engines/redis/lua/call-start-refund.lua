-- caller bucket, pair bucket, per caller, per callee, window ms: an answered call's call_start
-- given back to both budgets (never past their size; a bucket gone is full already).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[5])
for i, size in ipairs({tonumber(ARGV[3]), tonumber(ARGV[4])}) do
  local key = ARGV[i]
  local bucket = redis.call('HMGET', key, 'tokens', 'at')
  if bucket[1] then
    local tokens = tonumber(bucket[1]) + (now - tonumber(bucket[2])) * size / window
    redis.call('HSET', key, 'tokens', tostring(math.min(size, tokens + 1)), 'at', now)
    redis.call('PEXPIRE', key, window)
  end
end
return 0
