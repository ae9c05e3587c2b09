// The Redis the Redis-mode benches use, and its server process (to read its CPU from /proc).
export const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

export async function redisPid() {
  const { createClient } = await import('redis');
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  const info = await client.info('server');
  await client.close();
  return Number(/process_id:(\d+)/.exec(info)[1]);
}
