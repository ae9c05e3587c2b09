// One client per server kind, all behind one shape, so that the load generator drives every
// server the same way. The signals are Dialtone's: `_ice` (relayed, carries the scheduled send
// time), `call_start`, `call_back`, `hangup`; each peer relays its own equivalent frames.
//
// connect(kind, url, user, onSignal, onClose) resolves once the server has authenticated the socket (the
// first moment it can relay to it): Dialtone's `welcome`, socket.io's connect; for the bare relay
// and PeerJS the WebSocket open, since both register the client in the same tick as they send the
// 101 (PeerJS's `OPEN` follows at once for a new id, but not when an id reconnects). onClose is
// called if an authenticated socket closes (a server dropping clients under load). onSignal(type, from, sentAt) is called for every relayed signal.
import { io } from 'socket.io-client';
import WebSocket from 'ws';

const CANDIDATE =
  'candidate:842163049 1 udp 1677729535 198.51.100.7 50000 typ srflx raddr 0.0.0.0 rport 0 generation 0';

const iceCandidate = (sentAt) => ({
  candidate: CANDIDATE,
  sdpMid: String(sentAt),
  sdpMLineIndex: 0,
});

/** Dialtone and the bare relay speak the same frames: {type, toUser, ...} out, fromUser in. */
function dialtoneMessage(type, to, sentAt) {
  const frame = { type, toUser: to };
  if (type === '_ice') {
    frame.iceCandidate = iceCandidate(sentAt);
  } else if (type === 'call_back') {
    frame.msg = '1';
  }
  return frame;
}

const dialtoneFrame = (type, to, sentAt) => JSON.stringify(dialtoneMessage(type, to, sentAt));

const PEERJS_TYPES = {
  _ice: 'CANDIDATE',
  call_start: 'OFFER',
  call_back: 'ANSWER',
  hangup: 'LEAVE',
};
const FROM_PEERJS = Object.fromEntries(Object.entries(PEERJS_TYPES).map(([k, v]) => [v, k]));

/** What PeerJS's browser client sends for a media connection (peerjs/lib/negotiator.ts). */
function peerjsFrame(type, to, sentAt) {
  const payload = { type: 'media', connectionId: 'mc_bench' };
  if (type === '_ice') {
    payload.candidate = iceCandidate(sentAt);
  } else if (type !== 'hangup') {
    payload.sdp = { type: type === 'call_start' ? 'offer' : 'answer', sdp: 'v=0' };
  }
  return JSON.stringify({ type: PEERJS_TYPES[type], dst: to, payload });
}

function openWebSocket(url, options, authenticated, frame, parse, onSignal, onClose) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    let ready = false;
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (!ready && authenticated !== 'open' && authenticated(message)) {
        ready = true;
        resolve(client);
        return;
      }
      const signal = parse(message);
      if (signal) {
        onSignal(...signal);
      }
    });
    socket.once('error', reject);
    socket.once('close', (code) =>
      ready ? onClose(code) : reject(new Error(`closed with ${code} before authenticated`)),
    );
    if (authenticated === 'open') {
      socket.once('open', () => {
        ready = true;
        resolve(client);
      });
    }
    const client = {
      send: (type, to, sentAt) => socket.send(frame(type, to, sentAt)),
      close: () => socket.terminate(),
    };
  });
}

const parseDialtone = (message) => {
  const sentAt = message.type === '_ice' ? Number(message.iceCandidate.sdpMid) : undefined;
  return message.fromUser ? [message.type, message.fromUser, sentAt] : undefined;
};

export function connect(kind, url, user, onSignal, onClose) {
  switch (kind) {
    case 'dialtone':
      return openWebSocket(
        url,
        { headers: { authorization: `Bearer ${user.token}` } },
        (message) => message.type === 'welcome',
        dialtoneFrame,
        parseDialtone,
        onSignal,
        onClose,
      );
    case 'ws':
      return openWebSocket(
        `${url}/?user=${user.name}`,
        {},
        'open',
        dialtoneFrame,
        parseDialtone,
        onSignal,
        onClose,
      );
    case 'peerjs':
      return openWebSocket(
        `${url}/peerjs/peerjs?key=peerjs&id=${user.name}&token=${user.token}`,
        {},
        'open',
        peerjsFrame,
        (message) => {
          const type = FROM_PEERJS[message.type];
          const sentAt = type === '_ice' ? Number(message.payload.candidate.sdpMid) : undefined;
          return type && message.src ? [type, message.src, sentAt] : undefined;
        },
        onSignal,
        onClose,
      );
    case 'socketio':
      return new Promise((resolve, reject) => {
        const socket = io(url, {
          transports: ['websocket'],
          auth: { name: user.name },
          reconnection: false,
          forceNew: true,
        });
        socket.on('signal', (message) => onSignal(...parseDialtone(message)));
        socket.on('disconnect', (reason) => onClose(reason));
        socket.once('connect', () =>
          resolve({
            send: (type, to, sentAt) => socket.emit('signal', dialtoneMessage(type, to, sentAt)),
            // Cut, not closed: the server sees the TCP connection end, as with the others.
            close: () => socket.io.engine.transport.ws?.terminate?.() ?? socket.disconnect(),
          }),
        );
        socket.once('connect_error', reject);
      });
    default:
      throw new Error(`unknown server kind ${kind}`);
  }
}
