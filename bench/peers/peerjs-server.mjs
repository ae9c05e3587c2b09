// The PeerJS peer in bench/peers: the `peer` package's own server as its README starts it, with
// the two limits that would otherwise cut the bench short raised: 5,000 clients at most
// (concurrent_limit) and clients dropped after 90 s without a HEARTBEAT (alive_timeout).
import { PeerServer } from 'peer';

const port = Number(process.argv[2]);
PeerServer(
  {
    port,
    host: '127.0.0.1',
    path: '/peerjs',
    key: 'peerjs',
    concurrent_limit: 1_000_000,
    alive_timeout: 3_600_000,
  },
  () => console.log('ready'),
);
