-- sid, user, presented token hash, lastSeq, new token hash, node, account id, access token id,
-- access token generation (the new socket's token, which the session runs under from now on) →
-- {code} or {'ok', missed frames, call JSON or '', previous node or ''}.
local sid, user, presented, last_seq, node = ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[8]
local sk = k_session(sid)
local fields = redis.call('HMGET', sk, 'u', 'th', 'lapsing', 'seq', 'ver', 'n', 'aa')
local owner = fields[1] or redis.call('GET', k_ended(sid))
if not owner then return done({'unknown'}) end
if owner ~= user then return done({'forbidden'}) end
if not fields[1] then return done({'expired'}) end
if fields[3] or fields[2] ~= presented then return done({'unknown'}) end
local seq = tonumber(fields[4])
if last_seq > seq then return done({'expired'}) end
if last_seq < seq then
  local oldest = redis.call('XRANGE', k_stream(sid), '-', '+', 'COUNT', 1)[1]
  if oldest == nil or stream_seq(oldest[1]) > last_seq + 1 then return done({'expired'}) end
end
redis.call('ZREM', K_TIMERS, window_timer(sid, fields[5]))
redis.call('HINCRBY', sk, 'ver', 1)
redis.call('HDEL', sk, 'aa')
redis.call('HSET', sk, 'n', node, 'th', ARGV[7], 'ai', ARGV[9], 'tj', ARGV[10], 'tg', ARGV[11])
if fields[6] ~= '' and fields[6] ~= node then
  redis.call('SREM', k_node_sessions(fields[6]), sid)
end
redis.call('SADD', k_node_sessions(node), sid)
local missed = {}
for _, entry in ipairs(redis.call('XRANGE', k_stream(sid), (last_seq + 1) .. '-0', '+')) do
  table.insert(missed, entry[2][2])
end
local call = call_of_user(user)
local resumed_call = ''
if call then
  local role = call.caller == user and 'caller' or 'callee'
  local own = role == 'caller' and call.cs or call.ks
  if own == '' or own == sid then
    resumed_call = cjson.encode({callId = call.id, state = call.st, role = role,
      peer = role == 'caller' and call.callee or call.caller})
  end
end
if fields[7] then tell_peer(sid, 'connected') end
return done({'ok', missed, resumed_call, fields[6]})
