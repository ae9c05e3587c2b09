// A database of its own for one bench run on the PostgreSQL server (several Dialtone instances
// must share one), dropped afterwards, and on Ctrl-C.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { onInterrupt } from './processes.mjs';

export const DATABASE_SERVER =
  process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

async function onServer(statement) {
  const client = new pg.Client({ connectionString: DATABASE_SERVER });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Creates `dialtone_bench_<random>`; resolves with its URL and drop(). */
export async function temporaryDatabase() {
  const name = `dialtone_bench_${randomBytes(4).toString('hex')}`;
  await onServer(`CREATE DATABASE ${name}`);
  const drop = () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
  const forget = onInterrupt(drop);
  const url = Object.assign(new URL(DATABASE_SERVER), { pathname: `/${name}` }).toString();
  return {
    url,
    async drop() {
      forget();
      await drop();
    },
  };
}
