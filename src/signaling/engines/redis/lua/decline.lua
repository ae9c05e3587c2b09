-- call id, callee → 1 when declined (Web Push: a notification's Decline, from any instance), as
-- the callee's page would decline it; 0 when that call is not ringing that callee.
local call = load_call(ARGV[3])
if not call or call.st ~= 'ringing' or call.callee ~= ARGV[4] then return done(0) end
reject(call, nil)
return done(1)
