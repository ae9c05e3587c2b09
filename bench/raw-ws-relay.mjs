// The baseline for bench/relay-cpu.mjs: the least a WebSocket relay can do — the blog-demo
// design with no authentication, no validation and no call state. Users name themselves with
// ?user=; each JSON frame is parsed, stamped with fromUser and sent to toUser's socket.
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2]);
const sockets = new Map();
const server = new WebSocketServer({ port, host: '127.0.0.1' });
server.on('connection', (socket, request) => {
  const user = new URL(request.url, 'http://x').searchParams.get('user');
  sockets.set(user, socket);
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString());
    message.fromUser = user;
    sockets.get(message.toUser)?.send(JSON.stringify(message));
  });
  socket.on('close', () => sockets.delete(user));
});
server.on('listening', () => console.log('ready'));
