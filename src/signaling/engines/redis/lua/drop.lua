-- sid → 1 when the session ended now, 0 when it was already gone.
return done(drop_session(ARGV[3]))
