// The server the benches measure: `node dist/main.js` as a child process (so that the clients'
// work does not count as the server's), on a free port and a fresh data folder, in production
// mode. Shared by every bench that runs Dialtone.
import { createECDH } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, onInterrupt, startNode, stop } from './processes.mjs';

export const BENCH_JWT_SECRET = 'bench-only-' + 'x'.repeat(40);

/** One VAPID identity for every server of a run (production requires one; a cluster shares it). */
const BENCH_VAPID = (() => {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    VAPID_PUBLIC_KEY: ecdh.getPublicKey().toString('base64url'),
    VAPID_PRIVATE_KEY: ecdh.getPrivateKey().toString('base64url'),
    VAPID_SUBJECT: 'mailto:bench@example.org',
  };
})();

/**
 * Starts the server with `env` on top of the bench defaults and resolves once it listens. Benches
 * register many accounts from one address, so the account request budgets are raised; what else a
 * bench raises, it says why. `core` pins it to one CPU; `nodeArgs` go before the script
 * (--cpu-prof). `stop()` ends it and removes its data folder.
 */
export async function startDialtone(env = {}, { core, nodeArgs = [] } = {}) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'dialtone-bench-'));
  const removeData = () => rmSync(dataDir, { recursive: true, force: true });
  const forget = onInterrupt(removeData);
  const child = await startNode([...nodeArgs, 'dist/main.js'], {
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      NODE_ENV: 'production',
      JWT_SECRET: BENCH_JWT_SECRET,
      ...BENCH_VAPID,
      AUTH_RATE_PER_ADDRESS: '100000',
      WS_UPGRADES_PER_ADDRESS: '1000000',
      WS_MAX_PENDING_PER_USER: '10000',
      AUTH_RATE_GLOBAL: '100000',
      ...env,
    },
    // Not just /listening on/: with --inspect, node's "Debugger listening on" comes first.
    ready: /Dialtone listening on/,
    core,
    name: 'dialtone',
  }).catch((error) => {
    removeData();
    throw error;
  });
  return {
    child,
    port,
    dataDir,
    base: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}/signaling`,
    async stop() {
      await stop(child);
      removeData();
      forget();
    },
  };
}
