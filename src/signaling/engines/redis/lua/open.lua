-- sid, user, node, v2 ('1'|'0'), token hash, welcome JSON, max sessions per user → victim.
local sid, user, node, v2 = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local order = redis.call('INCR', K_OPENED)
redis.call('HSET', k_session(sid), 'u', user, 'n', node, 'v2', v2, 'seq', 0, 'bytes', 0,
  'th', ARGV[7], 'ver', 0)
redis.call('ZADD', k_user_sessions(user), order, sid)
if redis.call('ZADD', K_ONLINE, 0, user) == 1 then
  presence_changed(user, true)
end
redis.call('SADD', k_node_sessions(node), sid)
deliver(sid, ARGV[8])
local sessions = sessions_of(user)
local victim = ''
if #sessions > tonumber(ARGV[9]) then
  victim = sid
  for _, other in ipairs(sessions) do
    if other ~= sid and not redis.call('HGET', k_session(other), 'call') then
      victim = other
      break
    end
  end
end
if victim ~= sid then
  local call = call_of_user(user)
  if call and call.st == 'ringing' and call.callee == user then ring(call, sid) end
end
return done(victim)
