-- node, heartbeat TTL ms → 1 when this node was unknown (first beat, or it had been declared
-- dead and its sessions handed to their resume windows: it must fence itself).
local now = now_ms()
return done(redis.call('ZADD', K_NODES, now + tonumber(ARGV[4]), ARGV[3]))
