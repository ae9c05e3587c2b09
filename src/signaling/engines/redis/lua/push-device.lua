-- sid, pushDeviceKey or '' (Web Push: push_device): the device whose page this session is, or none.
local sk = k_session(ARGV[3])
if redis.call('EXISTS', sk) == 0 then return done() end
if ARGV[4] == '' then
  redis.call('HDEL', sk, 'pd')
else
  redis.call('HSET', sk, 'pd', ARGV[4])
end
return done()
