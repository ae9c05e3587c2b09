-- Any instance, every sweep: fires due timers and hands the sessions of instances that missed
-- their heartbeats to their resume windows (v1 sessions, which cannot resume, end).
local now = now_ms()
for _, timer in ipairs(redis.call('ZRANGEBYSCORE', K_TIMERS, '-inf', now, 'LIMIT', 0, 100)) do
  fire(timer, now)
end
for _, node in ipairs(redis.call('ZRANGEBYSCORE', K_NODES, '-inf', now, 'LIMIT', 0, 10)) do
  release_node(node, now)
end
return done()
