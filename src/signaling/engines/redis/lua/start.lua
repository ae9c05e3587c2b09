-- sid, user, toUser, access, new call id, the callee's subscribed devices (JSON array of
-- pushDeviceKeys) → the ring timer's member, or ''.
local sid, user, to, access, cid = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
if redis.call('EXISTS', k_session(sid)) == 0 then return done() end
if to == user then
  system_reply_to(sid, user, to, 'self')
  return done()
end
local own = call_of_user(user)
if own and own.st == 'ringing' and own.callee == user and own.caller == to then
  system_reply_to(sid, user, to, 'glare', own.id)
  return done()
end
if own then
  error_to(sid, user, to, 'already_in_call', own.id)
  return done()
end
if access == 'unknown_user' then
  system_reply_to(sid, user, to, 'unknown_user')
  return done()
end
local callee_sessions = sessions_of(to)
local busy = redis.call('EXISTS', k_user_call(to)) == 1
local wait_on = busy and waitable_session(to) or nil
if wait_on then busy = false end
-- Web Push (issue 21): "offline" is no open session and no subscribed device to ring. A waiting
-- call rings only the session in the current call: no device by push.
local pushed = wait_on and {} or devices_to_push(cjson.decode(ARGV[8]), callee_sessions)
local code = nil
local hidden = nil
if access == 'refused' then
  code, hidden = 'offline', '1'
elseif access == 'do_not_disturb' then
  code = 'unavailable'
elseif busy then
  code = 'busy'
elseif #callee_sessions == 0 and #pushed == 0 then
  code = 'offline'
end
if code then
  -- Still an attempt: the history shows it; only the caller hears back.
  local attempt = {id = cid, caller = user, callee = to, cs = sid, ks = '', hidden = hidden}
  local at = now_ms()
  event('started', attempt, '', at)
  event('ended', attempt, code, at)
  system_reply_to(sid, user, to, code, cid)
  return done()
end
local call = {id = cid, caller = user, callee = to, cs = sid, ks = '', st = 'ringing', ver = '1',
  wo = wait_on or ''}
redis.call('HSET', k_call(cid), 'id', cid, 'caller', user, 'callee', to, 'cs', sid, 'ks', '',
  'st', 'ringing', 'ver', call.ver, 'wo', call.wo)
redis.call('SET', k_user_call(user), cid)
if wait_on then
  redis.call('SET', k_user_waiting(to), cid)
  callee_sessions = {wait_on}
else
  redis.call('SET', k_user_call(to), cid)
end
redis.call('HSET', k_session(sid), 'call', cid)
local now = now_ms()
redis.call('ZADD', K_TIMERS, now + CFG.ringTimeoutMs, ring_timer(call))
for _, callee_sid in ipairs(callee_sessions) do ring(call, callee_sid) end
if #pushed > 0 then
  local devices = cjson.encode(pushed)
  redis.call('HSET', k_call(cid), 'pd', devices)
  -- Reported by this instance alone: the ring is pushed once across the cluster.
  table.insert(EVENTS, {'push_ring', cid, user, to, tostring(now + CFG.ringTimeoutMs), devices,
    '', '', ''})
end
send(sid, {type = 'ringing', fromUser = 'system', toUser = to, callId = cid})
event('started', call, '', now)
return done(ring_timer(call))
