// A Dialtone client for the benches that drive a few sockets from the bench process itself
// (relay-cpu.mjs, scale-out.mjs): log in through the API, open a signaling socket, ring and accept.
import WebSocket from 'ws';
import { BENCH_PASSWORD, register } from './dialtone-accounts.mjs';

/** Registers `name` and logs in; resolves with its access token. */
export async function logIn(base, name) {
  await register(base, name);
  const response = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: name, password: BENCH_PASSWORD }),
  });
  return (await response.json()).accessToken;
}

/** A signaling socket of `token`'s account; resolves once open. */
export function openSocket(url, token, protocols = []) {
  const socket = new WebSocket(url, protocols, { headers: { authorization: `Bearer ${token}` } });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** The next message of `type` on `socket`. */
export function nextMessage(socket, type) {
  return new Promise((resolve) => {
    const listener = (data) => {
      const message = JSON.parse(data.toString());
      if (message.type === type) {
        socket.off('message', listener);
        resolve(message);
      }
    };
    socket.on('message', listener);
  });
}

/** caller rings callee and callee accepts (both { name, socket }); resolves once in the call. */
export async function ringAndAccept(caller, callee) {
  const ringing = nextMessage(callee.socket, 'call_start');
  caller.socket.send(JSON.stringify({ type: 'call_start', toUser: callee.name }));
  await ringing;
  const accepted = nextMessage(caller.socket, 'call_back');
  callee.socket.send(JSON.stringify({ type: 'call_back', toUser: caller.name, msg: '1' }));
  await accepted;
}
