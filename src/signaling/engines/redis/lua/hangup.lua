-- sid, user, toUser, code, call id or ''.
local sid, user, to, code, cid = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local call = call_with(user, to)
if not call or to ~= (call.caller == user and call.callee or call.caller)
    or (cid ~= '' and cid ~= call.id) then
  return done()
end
if call.st == 'ringing' then
  if sid == call.cs then
    hang_up_other_callee_sessions(call, nil, 'cancelled')
    end_call(call, 'cancelled')
  elseif user == call.callee then
    reject(call, sid)
  end
  return done()
end
local peer = peer_session(call, sid)
if peer then
  send_hangup(call, peer, code, user)
  end_call(call, code)
end
return done()
