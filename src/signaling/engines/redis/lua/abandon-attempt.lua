-- key → takes back the latest failure, if the window still holds one.
if tonumber(redis.call('GET', ARGV[1]) or '0') > 0 then redis.call('DECR', ARGV[1]) end
return 0
