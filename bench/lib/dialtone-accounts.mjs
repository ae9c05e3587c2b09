// Thousands of Dialtone accounts in seconds: one is registered through the API, and its row (with
// its Argon2 hash of BENCH_PASSWORD) is copied under other names straight into the database; access
// tokens are signed here with the bench's JWT secret, as the server signs them (token.service.ts).
// Registering and logging in 10,000 accounts through the API would take minutes of Argon2.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { BENCH_JWT_SECRET } from './dialtone-server.mjs';

export const BENCH_PASSWORD = 'bench password 1';

/** Registers `name` through the API; resolves once the account exists. */
export async function register(base, name, password = BENCH_PASSWORD) {
  const response = await fetch(`${base}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: name, password }),
  });
  if (!response.ok) {
    throw new Error(`register ${name}: ${response.status} ${await response.text()}`);
  }
}

/**
 * `count` accounts named `${prefix}${i}`, all with BENCH_PASSWORD, in the database of `server`
 * (its SQLite file, or `databaseUrl`); resolves with [{ id, name, token }].
 */
export async function seedAccounts(server, count, { prefix, databaseUrl }) {
  const template = `${prefix}t${randomBytes(2).toString('hex')}`;
  await register(server.base, template);
  const users = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    name: `u${prefix}${i}`,
  }));
  await (databaseUrl ? copyInPostgres : copyInSqlite)(
    databaseUrl ?? join(server.dataDir, 'dialtone.sqlite'),
    template,
    users,
  );
  return users.map((user) => ({ ...user, token: accessToken(user) }));
}

/** Column by column: the template's value, except the account's own id and names. */
function columnValue(column, template, user) {
  if (column === 'id') {
    return user.id;
  }
  if (column === 'username' || column === 'display_name') {
    return user.name;
  }
  return template[column];
}

async function copyInSqlite(path, templateName, users) {
  const db = new Database(path);
  try {
    db.pragma('busy_timeout = 10000');
    const template = db.prepare('SELECT * FROM users WHERE username = ?').get(templateName);
    const columns = Object.keys(template);
    const insert = db.prepare(
      `INSERT INTO users (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns
        .map(() => '?')
        .join(', ')})`,
    );
    db.transaction(() => {
      for (const user of users) {
        insert.run(columns.map((column) => columnValue(column, template, user)));
      }
    })();
  } finally {
    db.close();
  }
}

async function copyInPostgres(url, templateName, users) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT * FROM users WHERE username = $1', [templateName]);
    const columns = Object.keys(rows[0]);
    const select = columns.map((column) =>
      column === 'id'
        ? 't.id'
        : ['username', 'display_name'].includes(column)
          ? 't.name'
          : `u."${column}"`,
    );
    await client.query(
      `INSERT INTO users (${columns.map((c) => `"${c}"`).join(', ')})
       SELECT ${select.join(', ')} FROM unnest($1::varchar[], $2::varchar[]) AS t(id, name)
       CROSS JOIN users u WHERE u.username = $3`,
      [users.map((u) => u.id), users.map((u) => u.name), templateName],
    );
  } finally {
    await client.end();
  }
}

const base64url = (value) => Buffer.from(value).toString('base64url');

/** An HS256 access token as TokenService.sign makes it (issuer and audience `dialtone`). */
export function accessToken({ id, name }, ttlSeconds = 24 * 3600) {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const claims = base64url(
    JSON.stringify({
      username: name,
      name,
      gen: 0,
      iat: now,
      exp: now + ttlSeconds,
      aud: 'dialtone',
      iss: 'dialtone',
      sub: id,
      jti: randomUUID(),
    }),
  );
  const signature = createHmac('sha256', BENCH_JWT_SECRET)
    .update(`${header}.${claims}`)
    .digest('base64url');
  return `${header}.${claims}.${signature}`;
}
