/**
 * The body of each script (after the prelude); each is one atomic change of state. Arguments
 * start at ARGV[3]. Names match the methods of RedisCallSwitch and RedisSessionStore that run them.
 */
export const SCRIPT_BODIES = {
  /** sid, user, node, v2 ('1'|'0'), token hash, welcome JSON, max sessions per user → victim. */
  open: `
local sid, user, node, v2 = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local order = redis.call('INCR', K_OPENED)
redis.call('HSET', k_session(sid), 'u', user, 'n', node, 'v2', v2, 'seq', 0, 'bytes', 0,
  'th', ARGV[7], 'ver', 0)
redis.call('ZADD', k_user_sessions(user), order, sid)
if redis.call('ZADD', K_ONLINE, 0, user) == 1 then
  presence_changed(user, true)
end
redis.call('SADD', k_node_sessions(node), sid)
deliver(sid, ARGV[8])
local sessions = sessions_of(user)
local victim = ''
if #sessions > tonumber(ARGV[9]) then
  victim = sid
  for _, other in ipairs(sessions) do
    if other ~= sid and not redis.call('HGET', k_session(other), 'call') then
      victim = other
      break
    end
  end
end
if victim ~= sid then
  local call = call_of_user(user)
  if call and call.st == 'ringing' and call.callee == user then ring(call, sid) end
end
return done(victim)
`,

  /** sid, user, toUser, access, new call id → the ring timer's member, or ''. */
  start: `
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
local code = nil
local hidden = nil
if access == 'refused' then
  code, hidden = 'offline', '1'
elseif access == 'do_not_disturb' then
  code = 'unavailable'
elseif busy then
  code = 'busy'
elseif #callee_sessions == 0 then
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
local call = {id = cid, caller = user, callee = to, cs = sid, ks = '', st = 'ringing', ver = '1'}
redis.call('HSET', k_call(cid), 'id', cid, 'caller', user, 'callee', to, 'cs', sid, 'ks', '',
  'st', 'ringing', 'ver', call.ver)
redis.call('SET', k_user_call(user), cid)
redis.call('SET', k_user_call(to), cid)
redis.call('HSET', k_session(sid), 'call', cid)
local now = now_ms()
redis.call('ZADD', K_TIMERS, now + CFG.ringTimeoutMs, ring_timer(call))
for _, callee_sid in ipairs(callee_sessions) do ring(call, callee_sid) end
send(sid, {type = 'ringing', fromUser = 'system', toUser = to, callId = cid})
event('started', call, '', now)
return done(ring_timer(call))
`,

  /** sid, user, toUser, '1'|'0', call id or ''. */
  answer: `
local sid, user, to, accept, cid = ARGV[3], ARGV[4], ARGV[5], ARGV[6] == '1', ARGV[7]
if redis.call('EXISTS', k_session(sid)) == 0 then return done() end
local call = call_of_user(user)
if not call or call.st ~= 'ringing' or call.callee ~= user or call.caller ~= to
    or (cid ~= '' and cid ~= call.id) then
  error_to(sid, user, to, 'not_in_call', cid ~= '' and cid or nil)
  return done()
end
if not accept then
  reject(call, sid)
  return done()
end
redis.call('ZREM', K_TIMERS, ring_timer(call))
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
`,

  /**
   * sid, user, toUser, call id or '', type, payload: the request's own fields as the tail of a
   * JSON object (without its opening brace). The hot path: two reads, then one delivery.
   */
  relay: `
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
`,

  /** sid, user, toUser, code, call id or ''. */
  hangup: `
local sid, user, to, code, cid = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local call = call_of_user(user)
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
`,

  /** sid, message JSON: a reply to one session (errors, refusals) in its numbered stream. */
  send: `
deliver(ARGV[3], ARGV[4])
return done()
`,

  /** sid → 1 when the session ended now, 0 when it was already gone. */
  drop: `
return done(drop_session(ARGV[3]))
`,

  /** sid → the window timer's member, or '' (not v2, already away, or gone). */
  away: `
return done(go_away(ARGV[3], now_ms()))
`,

  /**
   * sid, user, presented token hash, lastSeq, new token hash, node →
   * {code} or {'ok', missed frames, call JSON or '', previous node or ''}.
   */
  resume: `
local sid, user, presented, last_seq, node = ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[8]
local sk = k_session(sid)
local fields = redis.call('HMGET', sk, 'u', 'th', 'lapsing', 'seq', 'ver', 'n', 'aa')
local owner = fields[1] or redis.call('GET', k_ended(sid))
if not owner then return done({'unknown'}) end
if owner ~= user then return done({'forbidden'}) end
if not fields[1] then return done({'expired'}) end
if fields[3] or fields[2] ~= presented then return done({'unknown'}) end
local seq = tonumber(fields[4])
if last_seq > seq then return done({'expired'}) end
if last_seq < seq then
  local oldest = redis.call('XRANGE', k_stream(sid), '-', '+', 'COUNT', 1)[1]
  if oldest == nil or stream_seq(oldest[1]) > last_seq + 1 then return done({'expired'}) end
end
redis.call('ZREM', K_TIMERS, window_timer(sid, fields[5]))
redis.call('HINCRBY', sk, 'ver', 1)
redis.call('HDEL', sk, 'aa')
redis.call('HSET', sk, 'n', node, 'th', ARGV[7])
if fields[6] ~= '' and fields[6] ~= node then
  redis.call('SREM', k_node_sessions(fields[6]), sid)
end
redis.call('SADD', k_node_sessions(node), sid)
local missed = {}
for _, entry in ipairs(redis.call('XRANGE', k_stream(sid), (last_seq + 1) .. '-0', '+')) do
  table.insert(missed, entry[2][2])
end
local call = call_of_user(user)
local resumed_call = ''
if call then
  local role = call.caller == user and 'caller' or 'callee'
  local own = role == 'caller' and call.cs or call.ks
  if own == '' or own == sid then
    resumed_call = cjson.encode({callId = call.id, state = call.st, role = role,
      peer = role == 'caller' and call.callee or call.caller})
  end
end
if fields[7] then tell_peer(sid, 'connected') end
return done({'ok', missed, resumed_call, fields[6]})
`,

  /**
   * account + address, window ms → failed resumes of that pair within the window, this one
   * included (counted as failed until it succeeds, as LoginAttempts does).
   */
  resumeAttempt: `
local key = P .. 'rt:' .. ARGV[3]
local failures = redis.call('INCR', key)
if failures == 1 then redis.call('PEXPIRE', key, ARGV[4]) end
return done(failures)
`,

  /** timer member: fires it if it is still due and current (see fire()). */
  fire: `
fire(ARGV[3], now_ms())
return done()
`,

  /**
   * node, heartbeat TTL ms → 1 when this node was unknown (first beat, or it had been declared
   * dead and its sessions handed to their resume windows: it must fence itself).
   */
  heartbeat: `
local now = now_ms()
return done(redis.call('ZADD', K_NODES, now + tonumber(ARGV[4]), ARGV[3]))
`,

  /**
   * Any instance, every sweep: fires due timers and hands the sessions of instances that missed
   * their heartbeats to their resume windows (v1 sessions, which cannot resume, end).
   */
  sweep: `
local now = now_ms()
for _, timer in ipairs(redis.call('ZRANGEBYSCORE', K_TIMERS, '-inf', now, 'LIMIT', 0, 100)) do
  fire(timer, now)
end
for _, node in ipairs(redis.call('ZRANGEBYSCORE', K_NODES, '-inf', now, 'LIMIT', 0, 10)) do
  release_node(node, now)
end
return done()
`,

  /**
   * node: this instance lets go of all its sessions at once (shutdown with REDIS_URL, or fencing):
   * v2 sessions wait in their windows for a resume elsewhere, their peers hear reconnecting.
   */
  release: `
release_node(ARGV[3], now_ms())
return done()
`,
} as const;

export type ScriptName = keyof typeof SCRIPT_BODIES;
