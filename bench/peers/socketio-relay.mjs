// The socket.io peer in bench/peers: the relay contract of raw-ws-relay.mjs on socket.io — a
// client names itself in the handshake (auth.name), each `signal` event is stamped with fromUser
// and emitted to the named socket. WebSocket transport only, as the load generator's clients use.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.argv[2]);
const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false });
const sockets = new Map();
io.use((socket, next) => {
  const name = socket.handshake.auth?.name;
  next(typeof name === 'string' && name !== '' ? undefined : new Error('a name is required'));
});
io.on('connection', (socket) => {
  const user = socket.handshake.auth.name;
  sockets.set(user, socket);
  socket.on('signal', (message) => {
    message.fromUser = user;
    sockets.get(message.toUser)?.emit('signal', message);
  });
  socket.on('disconnect', () => {
    if (sockets.get(user) === socket) {
      sockets.delete(user);
    }
  });
});
http.listen(port, '127.0.0.1', () => console.log('ready'));
