-- node: this instance lets go of all its sessions at once (shutdown with REDIS_URL, or fencing):
-- v2 sessions wait in their windows for a resume elsewhere, their peers hear reconnecting.
release_node(ARGV[3], now_ms())
return done()
