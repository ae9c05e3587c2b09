-- sid, message JSON: a reply to one session (errors, refusals) in its numbered stream.
deliver(ARGV[3], ARGV[4])
return done()
