-- sid, user, node, v2 ('1'|'0'), token hash, welcome JSON, max sessions per user, account id,
-- access token id, access token generation → the sessions that made room (MAX_SESSIONS_PER_USER).
-- The cap is decided here and only here: each victim is ended in this same step (out of the
-- directory, presence and ringing; a late resume hears "expired"), so concurrent opens on any
-- instance each see the others' victims gone and pick different ones. The caller only closes
-- the victims' sockets.
local sid, user, node, v2 = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local max = tonumber(ARGV[9])
local order = redis.call('INCR', K_OPENED)
redis.call('HSET', k_session(sid), 'u', user, 'n', node, 'v2', v2, 'seq', 0, 'bytes', 0,
  'th', ARGV[7], 'ver', 0, 'ai', ARGV[10], 'tj', ARGV[11], 'tg', ARGV[12])
redis.call('ZADD', k_user_sessions(user), order, sid)
if redis.call('ZADD', K_ONLINE, 0, user) == 1 then
  presence_changed(user, true)
end
redis.call('SADD', k_node_sessions(node), sid)
deliver(sid, ARGV[8])
local sessions = sessions_of(user)
local victims = {}
local excess = #sessions - max
-- The oldest sessions not in a call give way; if every other one is in a call, the new one does.
for _, other in ipairs(sessions) do
  if #victims >= excess then break end
  if other ~= sid and not redis.call('HGET', k_session(other), 'call') then
    table.insert(victims, other)
  end
end
if excess > 0 and #victims < excess then table.insert(victims, sid) end
local admitted = true
for _, victim in ipairs(victims) do
  if victim == sid then admitted = false end
  drop_session(victim)
end
if admitted then
  local call = call_of_user(user)
  if call and call.st == 'ringing' and call.callee == user then ring(call, sid) end
end
return done(victims)
