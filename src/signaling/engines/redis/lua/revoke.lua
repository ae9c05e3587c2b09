-- username, account id, token id or '', lowest valid generation or '', origin node, close control
-- → the revocation's number. Numbers the revocation (an instance that has applied fewer knows it
-- missed one), ends every session of the account that runs under a revoked token — those away in
-- their resume windows included (a resume hears "expired"), those with a socket told to close it
-- (4001) — and announces it on the bus.
local user, account, token, lowest, origin, control = ARGV[3], ARGV[4], ARGV[5],
  tonumber(ARGV[6]), ARGV[7], ARGV[8]
local seq = redis.call('INCR', K_REVOKED)
for _, sid in ipairs(sessions_of(user)) do
  local fields = redis.call('HMGET', k_session(sid), 'ai', 'tj', 'tg', 'n')
  local revoked = fields[1] == account and ((token ~= '' and fields[2] == token)
    or (lowest ~= nil and tonumber(fields[3] or '0') < lowest))
  if revoked then
    if fields[4] and fields[4] ~= '' then redis.call('PUBLISH', k_channel(sid), control) end
    drop_session(sid)
  end
end
redis.call('PUBLISH', K_BUS, cjson.encode({kind = 'revoked', id = account, username = user,
  origin = origin, seq = seq}))
return done(seq)
