-- sid, user, toUser, '1'|'0', call id or ''.
local sid, user, to, accept, cid = ARGV[3], ARGV[4], ARGV[5], ARGV[6] == '1', ARGV[7]
if redis.call('EXISTS', k_session(sid)) == 0 then return done() end
local call = call_with(user, to)
if not call or call.st ~= 'ringing' or call.callee ~= user or call.caller ~= to
    or (cid ~= '' and cid ~= call.id) then
  error_to(sid, user, to, 'not_in_call', cid ~= '' and cid or nil)
  return done()
end
if not accept then
  reject(call, sid)
  return done()
end
if waiting_on(call) then switch_to(call) end
redis.call('ZREM', K_TIMERS, ring_timer(call))
push_ring_ended(call, 'answered_elsewhere')
call.st, call.ks = 'active', sid
redis.call('HSET', k_call(call.id), 'st', 'active', 'ks', sid)
redis.call('HSET', k_session(sid), 'call', call.id)
send(call.cs, {type = 'call_back', fromUser = call.callee, toUser = call.caller,
  callId = call.id, msg = '1'})
hang_up_other_callee_sessions(call, sid, 'answered_elsewhere')
if redis.call('HGET', k_session(call.cs), 'aa') then
  peer_status(call, sid, 'reconnecting')
end
event('answered', call, '', now_ms())
return done()
