-- sid, user, toUser, call id or '', type, payload: the request's own fields as the tail of a
-- JSON object (without its opening brace). The hot path: two reads, then one delivery.
local sid, user, to, cid = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local call = call_of_session(sid)
local peer = call and call.st == 'active' and peer_session(call, sid) or nil
local peer_user = call and (call.caller == user and call.callee or call.caller) or nil
if not call or not peer or peer_user ~= to or (cid ~= '' and cid ~= call.id) then
  error_to(sid, user, to, 'not_in_call', cid ~= '' and cid or nil)
  return done()
end
deliver(peer, '{"type":' .. cjson.encode(ARGV[7]) .. ',"fromUser":' .. cjson.encode(user)
  .. ',"toUser":' .. cjson.encode(peer_user) .. ',"callId":' .. cjson.encode(call.id) .. ','
  .. ARGV[8])
return done()
