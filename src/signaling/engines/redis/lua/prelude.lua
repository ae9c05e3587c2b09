-- Shared by every signaling script: the configuration, Redis's clock, and the building blocks
-- of a change of state (deliver a numbered frame, ring, hang up, end a call, end a session).
-- Before it (signaling-scripts.ts): SENTENCES from sentences.ts, P = ARGV[1] (the key prefix)
-- and the key functions k_*/K_* from keys.ts. ARGV[2] is the limits (JSON); a body's own
-- arguments start at ARGV[3]. Scripts return {events, lapses, result}.
local CFG = cjson.decode(ARGV[2])
local EVENTS = {}
local LAPSES = {}

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function done(result)
  return {EVENTS, LAPSES, result or ''}
end

-- A user's first session opened or last one ended: every instance's copy of the online set
-- follows the bus; the instance running this script alone reports it (contact events once).
local function presence_changed(user, online)
  redis.call('PUBLISH', K_BUS, cjson.encode({kind = 'presence', user = user, online = online}))
  table.insert(EVENTS, {'presence', user, online and '1' or '0', '', '', '', '', '', ''})
end

local function sentence(code, peer)
  local parts = SENTENCES[code]
  if parts[2] == nil then return parts[1] end
  return parts[1] .. peer .. parts[2]
end

local function stream_seq(id)
  return tonumber(string.match(id, '^(%d+)'))
end

-- Drops the oldest frames past the message and byte bounds.
local function trim(sid, sk)
  local xk = k_stream(sid)
  while redis.call('XLEN', xk) > CFG.bufferMessages
      or tonumber(redis.call('HGET', sk, 'bytes')) > CFG.bufferBytes do
    local oldest = redis.call('XRANGE', xk, '-', '+', 'COUNT', 1)[1]
    redis.call('XDEL', xk, oldest[1])
    redis.call('HINCRBY', sk, 'bytes', -#oldest[2][2])
  end
end

-- Sends one message to a session wherever it is held: a v2 session numbers it (seq) and keeps it
-- in its stream for a resume; PUBLISH reaches the instance that holds the socket, or nobody
-- while the session is away. 0 when the session no longer exists.
local function deliver(sid, json)
  local sk = k_session(sid)
  local v2 = redis.call('HGET', sk, 'v2')
  if not v2 then return 0 end
  local frame = json
  if v2 == '1' then
    local seq = redis.call('HINCRBY', sk, 'seq', 1)
    frame = string.sub(json, 1, -2) .. ',"seq":' .. seq .. '}'
    if not redis.call('HGET', sk, 'lapsing') then
      redis.call('XADD', k_stream(sid), seq .. '-0', 'f', frame)
      redis.call('HINCRBY', sk, 'bytes', #frame)
      trim(sid, sk)
      local away_after = redis.call('HGET', sk, 'aa')
      if away_after then
        local oldest = redis.call('XRANGE', k_stream(sid), '-', '+', 'COUNT', 1)[1]
        if oldest == nil or stream_seq(oldest[1]) > tonumber(away_after) + 1 then
          -- Something the client never saw is gone: a resume could no longer be exact.
          redis.call('HSET', sk, 'lapsing', 'overflow')
          table.insert(LAPSES, sid)
        end
      end
    end
  end
  redis.call('PUBLISH', k_channel(sid), frame)
  return 1
end

local function send(sid, message)
  return deliver(sid, cjson.encode(message))
end

local function sessions_of(user)
  return redis.call('ZRANGE', k_user_sessions(user), 0, -1)
end

local function load_call(cid)
  if not cid then return nil end
  local fields = redis.call('HGETALL', k_call(cid))
  if #fields == 0 then return nil end
  local call = {}
  for i = 1, #fields, 2 do call[fields[i]] = fields[i + 1] end
  return call
end

local function call_of_user(user)
  return load_call(redis.call('GET', k_user_call(user)) or nil)
end

-- Call waiting: the session a waiting call rings on (the callee's session in their other
-- call), or nil once it rings as any call.
local function waiting_on(call)
  if call.wo and call.wo ~= '' then return call.wo end
  return nil
end

-- The call `user` has with `peer`: one waiting on `user`, else `user`'s current call.
local function call_with(user, peer)
  local waiting = load_call(redis.call('GET', k_user_waiting(user)) or nil)
  if waiting and waiting.caller == peer then return waiting end
  return call_of_user(user)
end

-- Call waiting: the session a second caller may ring while `user` is in an active call: the one
-- they talk on, if it speaks protocol 2 and no one waits on it yet (else the caller hears busy).
local function waitable_session(user)
  if redis.call('EXISTS', k_user_waiting(user)) == 1 then return nil end
  local current = call_of_user(user)
  if not current or current.st ~= 'active' then return nil end
  local own = current.caller == user and current.cs or current.ks
  if own ~= '' and redis.call('HGET', k_session(own), 'v2') == '1' then return own end
  return nil
end

local function call_of_session(sid)
  return load_call(redis.call('HGET', k_session(sid), 'call') or nil)
end

local function peer_session(call, sid)
  if sid == call.cs then
    if call.ks == '' then return nil end
    return call.ks
  end
  if sid == call.ks then return call.cs end
  return nil
end

local function event(kind, call, code, at)
  table.insert(EVENTS, {kind, call.id, call.caller, call.callee, call.cs, call.ks or '',
    tostring(at), code or '', call.hidden or ''})
end

local function system_reply_to(sid, user, peer, code, cid)
  send(sid, {type = 'call_back', fromUser = 'system', toUser = user, callId = cid,
    msg = sentence(code, peer), code = code})
end

local function error_to(sid, user, peer, code, cid)
  send(sid, {type = 'error', fromUser = 'system', toUser = user, callId = cid, code = code,
    msg = sentence(code, peer)})
end

local function ring(call, sid)
  send(sid, {type = 'call_start', fromUser = call.caller, toUser = call.callee, callId = call.id,
    msg = '1', waiting = waiting_on(call) and true or nil})
end

local function send_hangup(call, sid, code, from_user)
  local to_caller = sid == call.cs
  local peer = to_caller and call.callee or call.caller
  send(sid, {type = 'hangup', fromUser = from_user,
    toUser = to_caller and call.caller or call.callee, callId = call.id, code = code,
    msg = sentence(code, peer)})
end

local function hang_up_other_callee_sessions(call, except, code)
  local rung = waiting_on(call)
  for _, sid in ipairs(rung and {rung} or sessions_of(call.callee)) do
    if sid ~= except then
      send_hangup(call, sid, code, code == 'cancelled' and call.caller or 'system')
    end
  end
end

local function peer_status(call, to, status)
  local to_caller = to == call.cs
  send(to, {type = 'peer_status', fromUser = to_caller and call.callee or call.caller,
    toUser = to_caller and call.caller or call.callee, callId = call.id, status = status})
end

local function tell_peer(sid, status)
  local call = call_of_session(sid)
  if call and call.st == 'active' then
    local peer = peer_session(call, sid)
    if peer then peer_status(call, peer, status) end
  end
end

local function ring_timer(call)
  return 'ring|' .. call.id .. '|' .. call.ver
end

-- Web Push (issue 21), as src/signaling/push-ringing.ts. The callee's subscribed devices
-- (pushDeviceKeys) that have no open page: a session's page names its device (field 'pd'); a
-- session away (field 'aa': its socket dropped, a locked phone) is no open page.
local function devices_to_push(subscribed, callee_sessions)
  local seen = {}
  for _, callee_sid in ipairs(callee_sessions) do
    local fields = redis.call('HMGET', k_session(callee_sid), 'pd', 'aa')
    if fields[1] and not fields[2] then seen[fields[1]] = true end
  end
  local devices = {}
  for _, device in ipairs(subscribed) do
    if not seen[device] then
      seen[device] = true
      table.insert(devices, device)
    end
  end
  return devices
end

-- The devices a ringing call rang by push (its 'pd', a JSON array) stop ringing: reported once,
-- by the script that ends the ring (on its instance only), which then forgets them.
local function push_ring_ended(call, reason)
  if call.st ~= 'ringing' or not call.pd then return end
  redis.call('HDEL', k_call(call.id), 'pd')
  table.insert(EVENTS, {'push_ended', call.id, call.caller, call.callee, '', call.pd, '', reason,
    ''})
  call.pd = nil
end

local PUSH_END_REASONS = {no_answer = 'timeout', rejected = 'declined'}

local promote_waiting -- below: it ends a call too

local function end_call(call, code)
  push_ring_ended(call, PUSH_END_REASONS[code] or 'cancelled')
  redis.call('ZREM', K_TIMERS, ring_timer(call))
  redis.call('DEL', k_call(call.id))
  for _, user in ipairs({call.caller, call.callee}) do
    if redis.call('GET', k_user_call(user)) == call.id then
      redis.call('DEL', k_user_call(user)) -- a waiting call's callee is still in their other call
    end
  end
  if redis.call('GET', k_user_waiting(call.callee)) == call.id then
    redis.call('DEL', k_user_waiting(call.callee))
  end
  for _, sid in ipairs({call.cs, call.ks}) do
    if sid ~= '' and redis.call('HGET', k_session(sid), 'call') == call.id then
      redis.call('HDEL', k_session(sid), 'call')
    end
  end
  event('ended', call, code, now_ms())
  promote_waiting(call.caller)
  promote_waiting(call.callee)
end

-- Call waiting: `user`'s call ended while another was waiting on them: that one now rings as
-- any call, on all of their sessions (the one it rang on already shows it); with none left, the
-- caller hears offline (CallMachine.promoteWaiting).
promote_waiting = function(user)
  local call = load_call(redis.call('GET', k_user_waiting(user)) or nil)
  if not call then return end
  redis.call('DEL', k_user_waiting(user))
  local rung = waiting_on(call)
  call.wo = ''
  redis.call('HSET', k_call(call.id), 'wo', '')
  redis.call('SET', k_user_call(user), call.id)
  local sessions = sessions_of(user)
  if #sessions == 0 then
    system_reply_to(call.cs, call.caller, call.callee, 'offline', call.id)
    end_call(call, 'offline')
    return
  end
  for _, sid in ipairs(sessions) do
    if sid ~= rung then ring(call, sid) end
  end
end

-- Call waiting, "End & accept": the callee's current call ends (its peer hears switched) and the
-- waiting call takes its place (CallMachine.switchTo).
local function switch_to(call)
  redis.call('DEL', k_user_waiting(call.callee))
  call.wo = ''
  redis.call('HSET', k_call(call.id), 'wo', '')
  local current = call_of_user(call.callee)
  if current then
    local peer = current.caller == call.callee and current.ks or current.cs
    if peer ~= '' then send_hangup(current, peer, 'switched', call.callee) end
    end_call(current, 'switched')
  end
  redis.call('SET', k_user_call(call.callee), call.id)
end

local function reject(call, rejecting)
  send(call.cs, {type = 'call_back', fromUser = call.callee, toUser = call.caller,
    callId = call.id, msg = '0', code = 'rejected'})
  hang_up_other_callee_sessions(call, rejecting, 'rejected_elsewhere')
  end_call(call, 'rejected')
end

-- What a session's end means for its call (the in-memory CallMachine.sessionClosed).
local function session_closed(sid, user)
  local call = call_of_user(user)
  if not call then return end
  if call.st == 'active' then
    local peer = peer_session(call, sid)
    if peer then
      send_hangup(call, peer, 'disconnected', user)
      end_call(call, 'disconnected')
    end
  elseif sid == call.cs then
    hang_up_other_callee_sessions(call, nil, 'disconnected')
    end_call(call, 'disconnected')
  elseif user == call.callee and not call.pd -- its devices ring on by push (Web Push)
      and redis.call('ZCARD', k_user_sessions(user)) == 0 then
    system_reply_to(call.cs, call.caller, call.callee, 'offline', call.id)
    end_call(call, 'offline')
  end
end

local function window_timer(sid, version)
  return 'win|' .. sid .. '|' .. version
end

-- Removes a session from the directory, presence and its instance, remembers a v2 session as
-- ended (a late resume hears "expired"), then applies the end to its call. 0 if already gone.
local function drop_session(sid)
  local sk = k_session(sid)
  local fields = redis.call('HMGET', sk, 'u', 'n', 'v2', 'ver')
  local user = fields[1]
  if not user then return 0 end
  redis.call('DEL', sk, k_stream(sid))
  redis.call('ZREM', k_user_sessions(user), sid)
  if redis.call('ZCARD', k_user_sessions(user)) == 0 and redis.call('ZREM', K_ONLINE, user) == 1 then
    presence_changed(user, false)
  end
  if fields[2] ~= '' then redis.call('SREM', k_node_sessions(fields[2]), sid) end
  redis.call('ZREM', K_TIMERS, window_timer(sid, fields[4]))
  if fields[3] == '1' then
    redis.call('SET', k_ended(sid), user, 'PX', CFG.endedMs)
  end
  session_closed(sid, user)
  return 1
end

-- A v2 session whose socket is gone (dropped, or its instance died or shut down): it stays in
-- the directory and its call, its peer is told, and its window starts. '' if not applicable.
local function go_away(sid, now)
  local sk = k_session(sid)
  local fields = redis.call('HMGET', sk, 'u', 'n', 'v2', 'aa', 'lapsing', 'seq')
  if not fields[1] or fields[3] ~= '1' or fields[4] or fields[5] then return '' end
  local version = redis.call('HINCRBY', sk, 'ver', 1)
  redis.call('HSET', sk, 'aa', fields[6], 'n', '')
  if fields[2] ~= '' then redis.call('SREM', k_node_sessions(fields[2]), sid) end
  local timer = window_timer(sid, version)
  redis.call('ZADD', K_TIMERS, now + CFG.windowMs, timer)
  tell_peer(sid, 'reconnecting')
  return timer
end

-- A due timer, by its member: ring timeouts and resume windows. Only once its deadline has
-- passed on Redis's clock; the version in the member makes a timer that was re-armed or stopped
-- a no-op, and ZREM makes each fire once across instances.
local function fire(timer, now)
  local due = redis.call('ZSCORE', K_TIMERS, timer)
  if not due or tonumber(due) > now then return end
  redis.call('ZREM', K_TIMERS, timer)
  local kind, id, version = string.match(timer, '^(%a+)|([^|]+)|(%d+)$')
  if kind == 'ring' then
    local call = load_call(id)
    if call and call.st == 'ringing' and call.ver == version then
      system_reply_to(call.cs, call.caller, call.callee, 'no_answer', call.id)
      hang_up_other_callee_sessions(call, nil, 'missed')
      end_call(call, 'no_answer')
    end
  elseif kind == 'win' then
    local fields = redis.call('HMGET', k_session(id), 'ver', 'aa')
    if fields[1] == version and fields[2] then
      drop_session(id)
    end
  end
end

-- Hands every session an instance held to its resume window (v1 sessions, which cannot resume,
-- end): the instance died (missed heartbeats), shut down, or fenced itself.
local function release_node(node, now)
  for _, sid in ipairs(redis.call('SMEMBERS', k_node_sessions(node))) do
    if redis.call('HGET', k_session(sid), 'v2') == '1' then
      go_away(sid, now)
    else
      drop_session(sid)
    end
  end
  redis.call('DEL', k_node_sessions(node))
  redis.call('ZREM', K_NODES, node)
end
