-- timer member: fires it if it is still due and current (see fire()).
fire(ARGV[3], now_ms())
return done()
