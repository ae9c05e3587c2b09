// The setup step: `node dist/setup/main.js`, run by docker-compose.yml's one-shot `setup` service
// (as root, on the host's network, so that it sees the host's routes and interfaces) before every
// other service, at every `docker compose up`. See runSetup and docs/deploy.md.
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { readyLine } from './ready-line.js';
import { runSetup, type Service } from './setup.js';
import { SetupError } from './setup-error.js';
import type { Owner } from './files.js';

/** The users the services' images run as: node (app), postgres, nobody (coturn), root (Caddy). */
const CONTAINER_USERS: Record<Service, Owner> = {
  app: { uid: 1000, gid: 1000 },
  postgres: { uid: 999, gid: 999 },
  coturn: { uid: 65534, gid: 65534 },
  caddy: { uid: 0, gid: 0 },
};

const log = (line: string) => console.log(`dialtone-setup: ${line}`);

try {
  const env = process.env;
  const dir = env.SETUP_DIR || '/setup';
  const result = await runSetup({
    env,
    dir,
    routeTable: () => readFileSync(env.DIALTONE_ROUTE_TABLE || '/proc/net/route', 'utf8'),
    interfaces: networkInterfaces,
    adoptCaFrom: env.DIALTONE_CADDY_CA_DIR || '/caddy-data/caddy/pki/authorities/local',
    // Only root can hand files to other users; a test run as anyone else keeps them.
    owners: process.getuid?.() === 0 ? CONTAINER_USERS : undefined,
    log,
  });
  log(
    readyLine({
      host: result.host,
      publicUrl: result.publicUrl,
      trustUrl: result.trustUrl,
      caSha256: result.caSha256,
    }).replace(/^Dialtone is ready: /, 'once everything is up, '),
  );
} catch (error) {
  if (error instanceof SetupError) {
    console.error(`dialtone-setup: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
