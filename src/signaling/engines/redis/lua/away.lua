-- sid → the window timer's member, or '' (not v2, already away, or gone).
return done(go_away(ARGV[3], now_ms()))
