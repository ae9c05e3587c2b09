// The servers bench/peers compares, each started the same way: pinned to SERVER_CORE, file limit
// raised, on a free port, with fresh state. start() resolves with what the load generator needs
// (client kind, URLs, accounts) and which processes to read the CPU of.
import { randomBytes } from 'node:crypto';
import { seedAccounts } from '../lib/dialtone-accounts.mjs';
import { startDialtone } from '../lib/dialtone-server.mjs';
import { temporaryDatabase } from '../lib/postgres.mjs';
import { freePort, hardFileLimit, startNode, stop } from '../lib/processes.mjs';
import { REDIS_URL, redisPid } from '../lib/redis.mjs';

export const SERVER_CORE = 0;

/** Caller 2i on the first URL, callee 2i+1 on the last (the same one but in Redis mode). */
export function asPairs(server, accounts) {
  const last = server.urls.length - 1;
  return accounts.map((account, i) => ({ ...account, target: i % 2 ? last : 0 }));
}

// The load is the measurement, not abuse: the per-session message and call limits are lifted,
// and the socket cap is as high as the file limit allows (its default keeps up to 1,024
// descriptors for HTTP, which would refuse part of the 20,000-connection run by design).
const DIALTONE_BENCH_ENV = {
  WS_MAX_SOCKETS: String(hardFileLimit() - 64),
  WS_MESSAGE_RATE: '100000',
  WS_MESSAGE_BURST: '1000000',
  CALL_STARTS_PER_CALLEE: '100000',
  CALL_STARTS_PER_CALLER: '1000000',
  CALL_COOLDOWN: '1',
};

/** Accounts for the peers: a name and a secret, which none of them checks against anything. */
function anonymousAccounts(count, prefix) {
  return Array.from({ length: count }, (_, i) => ({
    name: `u${prefix}${i}`,
    token: randomBytes(8).toString('hex'),
  }));
}

async function script(path, kind, label) {
  const port = await freePort();
  const child = await startNode([path, String(port)], {
    ready: /ready/,
    core: SERVER_CORE,
    name: kind,
  });
  return {
    kind,
    label,
    clientKind: kind,
    urls: [`ws://127.0.0.1:${port}`],
    pids: [child.pid],
    accounts: async (count, prefix) => anonymousAccounts(count, prefix),
    stop: () => stop(child),
  };
}

export const SERVERS = {
  dialtone: {
    label: 'Dialtone',
    /** `env` and `nodeArgs` for the profile (profile.mjs). */
    async start({ env = {}, nodeArgs = [] } = {}) {
      const server = await startDialtone(
        { ...DIALTONE_BENCH_ENV, ...env },
        { core: SERVER_CORE, nodeArgs },
      );
      return {
        kind: 'dialtone',
        label: this.label,
        clientKind: 'dialtone',
        urls: [server.ws],
        base: server.base,
        pids: [server.child.pid],
        accounts: (count, prefix) => seedAccounts(server, count, { prefix }),
        stop: () => server.stop(),
      };
    },
  },

  // Two instances sharing PostgreSQL and Redis; callers on the first, callees on the second, so
  // that every relayed message crosses Redis. Both share the server core; Redis runs where the
  // system put it and its CPU is read (and reported) separately.
  dialtoneRedis: {
    label: 'Dialtone ×2 via Redis',
    /** `env` and `nodeArgs` for the profile (profile.mjs), given to both instances. */
    async start({ env: extraEnv = {}, nodeArgs = [] } = {}) {
      const database = await temporaryDatabase();
      const env = {
        ...DIALTONE_BENCH_ENV,
        DATABASE_URL: database.url,
        REDIS_URL,
        REDIS_KEY_PREFIX: `bench-${randomBytes(4).toString('hex')}:`,
        ...extraEnv,
      };
      const instances = [];
      try {
        instances.push(await startDialtone(env, { core: SERVER_CORE, nodeArgs }));
        instances.push(await startDialtone(env, { core: SERVER_CORE, nodeArgs }));
      } catch (error) {
        await Promise.all(instances.map((instance) => instance.stop()));
        await database.drop();
        throw error;
      }
      return {
        kind: 'dialtoneRedis',
        label: this.label,
        clientKind: 'dialtone',
        urls: instances.map((instance) => instance.ws),
        pairsAcross: true,
        pids: instances.map((instance) => instance.child.pid),
        redisPid: await redisPid(),
        accounts: (count, prefix) =>
          seedAccounts(instances[0], count, { prefix, databaseUrl: database.url }),
        async stop() {
          await Promise.all(instances.map((instance) => instance.stop()));
          await database.drop();
        },
      };
    },
  },

  ws: {
    label: 'bare ws relay',
    start: () => script('bench/raw-ws-relay.mjs', 'ws', 'bare ws relay'),
  },
  peerjs: {
    label: 'PeerJS server',
    start: () => script('bench/peers/peerjs-server.mjs', 'peerjs', 'PeerJS server'),
  },
  socketio: {
    label: 'socket.io relay',
    start: () => script('bench/peers/socketio-relay.mjs', 'socketio', 'socket.io relay'),
  },
};
