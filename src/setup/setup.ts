import { isIP } from 'node:net';
import { join } from 'node:path';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { detectLanAddress, type Interfaces } from './lan-address.js';
import { ensureLocalCa } from './local-ca.js';
import { lanPeerRanges } from './peer-ranges.js';
import { ensureSecrets, SECRETS, vapidPublicKey, type SecretName } from './secrets.js';
import { SetupError } from './setup-error.js';
import { createOnce, serviceDir, writeDerived, type Owner } from './files.js';

type Env = Readonly<Record<string, string | undefined>>;

export type Service = 'app' | 'postgres' | 'coturn' | 'caddy';

export interface SetupOptions {
  /** The setup service's environment: .env values (DIALTONE_HOST, secrets...) win. */
  env: Env;
  /** The setup volume, as this process sees it. */
  dir: string;
  /** Where the services see that volume (default: `dir`); paths in the env files start there. */
  mountPoint?: string;
  /** The text of /proc/net/route. */
  routeTable: () => string;
  /** os.networkInterfaces(). */
  interfaces: () => Interfaces;
  /** Caddy's existing local CA folder (data volume), taken over when the setup has none yet. */
  adoptCaFrom?: string;
  /** Who each service's files are handed to (its container user); undefined: left as they are. */
  owners?: Partial<Record<Service, Owner>>;
  log: (line: string) => void;
}

export interface SetupResult {
  host: string;
  /** Found from the default route (false: DIALTONE_HOST was set). */
  detected: boolean;
  publicUrl: string;
  /** The plain-HTTP page with the certificate; undefined with a public certificate (ACME). */
  trustUrl: string | undefined;
  /** The root certificate phones must trust, and its SHA-256 fingerprint. */
  caCertPath: string;
  caSha256: string;
  /** The files the services read, by service (env files and secrets). */
  files: Record<Service, Record<string, string>>;
}

/** Contents of an env file (KEY=VALUE lines, read by deploy/with-env.sh and caddy --envfile). */
function envFile(values: Record<string, string | undefined>): string {
  let text = '# Written by the setup step at every start (src/setup); edits are overwritten.\n';
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) {
      continue;
    }
    if (/[\n\r]/.test(value)) {
      throw new SetupError(`${key} must not contain a line break`);
    }
    text += `${key}=${value}\n`;
  }
  return text;
}

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (!raw) {
    return fallback;
  }
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
    throw new SetupError(`${name} must be a port number from 1 to 65535, got "${raw}"`);
  }
  return Number(raw);
}

function hostWithPort(host: string, portNumber: number, defaultPort: number): string {
  const bracketed = isIP(host) === 6 ? `[${host}]` : host;
  return portNumber === defaultPort ? bracketed : `${bracketed}:${portNumber}`;
}

interface HostChoice {
  host: string;
  detected: boolean;
  /** The host's LAN block (e.g. 192.168.1.20/24) when known. */
  lanCidr: string | undefined;
}

function chooseHost(options: SetupOptions): HostChoice {
  const explicit = options.env.DIALTONE_HOST?.trim();
  if (explicit) {
    if (/[\s/#]/.test(explicit)) {
      throw new SetupError(`DIALTONE_HOST must be a name or an IP address, got "${explicit}"`);
    }
    const own = Object.values(options.interfaces())
      .flat()
      .find((info) => info?.family === 'IPv4' && info.address === explicit);
    return { host: explicit, detected: false, lanCidr: own?.cidr ?? undefined };
  }
  const found = detectLanAddress(options.routeTable(), options.interfaces());
  options.log(`LAN address ${found.address} (${found.cidr}, interface ${found.interface})`);
  return { host: found.address, detected: true, lanCidr: found.cidr };
}

function previousHost(statePath: string): string | undefined {
  try {
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as { host?: unknown };
    return typeof state.host === 'string' ? state.host : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The setup step of docker-compose.yml (the one-shot `setup` service, before every other one):
 * generates the secrets and the local CA once, finds the host's LAN address, and writes what
 * each service reads into its own folder of the setup volume. Safe to run at every start.
 */
export async function runSetup(options: SetupOptions): Promise<SetupResult> {
  const { env, dir, log } = options;
  const seen = options.mountPoint ?? dir;
  const owner = (service: Service): Owner => options.owners?.[service];
  const tls = env.DIALTONE_TLS?.trim() || 'internal';
  const localCa = tls === 'internal';

  // Every service must be able to enter the volume to reach its own folder (mode 0700 each).
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const secrets = ensureSecrets(join(dir, 'generated'));
  const vapidPublic = createOnce(join(dir, 'generated', 'vapid_public_key'), () =>
    vapidPublicKey(secrets.values.vapid_private_key),
  );
  for (const name of secrets.created) {
    log(`generated ${name} (kept from now on: ${join(seen, 'generated', name)})`);
  }
  const secret = (name: SecretName): string => {
    const override = env[SECRETS[name].variable];
    return override ? override : secrets.values[name];
  };
  const ca = await ensureLocalCa(join(dir, 'ca'), options.adoptCaFrom);
  if (ca.adopted) {
    log('took over the root CA of the existing Caddy data volume');
  } else if (ca.created) {
    log('generated the local root CA');
  }

  const choice = chooseHost(options);
  const { host } = choice;
  const statePath = join(dir, 'state.json');
  const before = previousHost(statePath);
  if (before !== undefined && before !== host) {
    log(`the address changed from ${before} to ${host}: phones must open the new address`);
  }
  const httpPort = port(env, 'DIALTONE_HTTP_PORT', 80);
  const httpsPort = port(env, 'DIALTONE_HTTPS_PORT', 443);
  const turnPort = port(env, 'DIALTONE_TURN_PORT', 3478);
  const publicUrl = `https://${hostWithPort(host, httpsPort, 443)}`;
  const trustUrl = localCa ? `http://${hostWithPort(host, httpPort, 80)}/trust` : undefined;
  const turnHost = hostWithPort(host, turnPort, -1);

  let peerRanges = env.TURN_ALLOWED_PEER_IPS?.trim() ?? '';
  if (peerRanges === '' && localCa && isIP(host) === 4) {
    // A LAN: the relay may reach the LAN's phones, never this host itself nor the compose
    // network between Caddy and the app.
    const lan = choice.lanCidr ?? `${host}/24`;
    const excluded = env.DIALTONE_WEB_SUBNET ? [env.DIALTONE_WEB_SUBNET] : [];
    peerRanges = lanPeerRanges(lan, excluded).join(',');
    log(`TURN relay may reach ${peerRanges} (the LAN ${lan} without ${host})`);
  } else if (peerRanges === '' && localCa) {
    log(
      `DIALTONE_HOST ${host} is not an IPv4 address: the TURN relay reaches public addresses ` +
        'only; set TURN_ALLOWED_PEER_IPS for calls relayed inside the LAN',
    );
  }

  const files: SetupResult['files'] = { app: {}, postgres: {}, coturn: {}, caddy: {} };
  const put = (service: Service, name: string, content: string): string => {
    serviceDir(join(dir, service), owner(service));
    writeDerived(join(dir, service, name), content, 0o600, owner(service));
    files[service][name] = join(dir, service, name);
    return join(seen, service, name);
  };

  const app = {
    PUBLIC_URL: publicUrl,
    STUN_URLS: `stun:${turnHost}`,
    TURN_URLS: `turn:${turnHost}?transport=udp,turn:${turnHost}?transport=tcp`,
    JWT_SECRET_FILE: put('app', 'jwt_secret', secret('jwt_secret')),
    TURN_SECRET_FILE: put('app', 'turn_secret', secret('turn_secret')),
    DATABASE_PASSWORD_FILE: put('app', 'database_password', secret('postgres_password')),
    METRICS_TOKEN_FILE: put('app', 'metrics_token', secret('metrics_token')),
    VAPID_PUBLIC_KEY_FILE: put(
      'app',
      'vapid_public_key',
      env.VAPID_PUBLIC_KEY || vapidPublic.value,
    ),
    VAPID_PRIVATE_KEY_FILE: put('app', 'vapid_private_key', secret('vapid_private_key')),
    // Push services want a contact for the operator: the server's own address unless .env names one.
    VAPID_SUBJECT: env.VAPID_SUBJECT?.trim() || publicUrl,
    LOCAL_CA_CERT_FILE: localCa ? put('app', 'root.crt', ca.certPem) : undefined,
  };
  put('app', 'app.env', envFile(app));
  put('postgres', 'postgres_password', secret('postgres_password'));
  // A name is resolved by coturn when it starts.
  const externalIp = env.TURN_EXTERNAL_IP?.trim() || host;
  put(
    'coturn',
    'coturn.env',
    envFile({
      TURN_SECRET_FILE: put('coturn', 'turn_secret', secret('turn_secret')),
      TURN_REALM: host,
      TURN_EXTERNAL_IP: externalIp,
      TURN_ALLOWED_PEER_IPS: peerRanges,
    }),
  );
  put(
    'caddy',
    'caddy.env',
    envFile({
      DIALTONE_HOST: host,
      DIALTONE_TLS: tls,
      DIALTONE_HTTP_PORT: String(httpPort),
      DIALTONE_HTTPS_PORT: String(httpsPort),
      DIALTONE_CA_CERT: join(seen, 'ca', 'root.crt'),
      DIALTONE_CA_KEY: join(seen, 'ca', 'root.key'),
    }),
  );

  const result: SetupResult = {
    host,
    detected: choice.detected,
    publicUrl,
    trustUrl,
    caCertPath: join(seen, 'ca', 'root.crt'),
    caSha256: ca.sha256,
    files,
  };
  writeDerived(
    statePath,
    JSON.stringify({ host, publicUrl, trustUrl, caSha256: ca.sha256 }, null, 2) + '\n',
    0o644,
    undefined,
  );
  if (localCa) {
    log(`root CA SHA-256 ${ca.sha256}`);
  }
  return result;
}
