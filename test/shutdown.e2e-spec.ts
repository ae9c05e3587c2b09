import assert from 'node:assert/strict';
import { describe, expect, it } from '@jest/globals';
import { closeAll, connectCall, party } from './support/call-fixtures.js';
import { startServerProcess } from './support/server-process.js';

describe('node dist/main.js on SIGTERM', () => {
  it('tells both parties of a call why, closes every socket with 1001 and exits', async () => {
    const server = await startServerProcess();
    try {
      const alice = await party(server.baseUrl, 'term');
      const bob = await party(server.baseUrl, 'termb');
      await connectCall(alice, bob);
      server.server.kill('SIGTERM');
      expect((await alice.ws.next('hangup')).code).toBe('server_shutdown');
      expect((await bob.ws.next('hangup')).code).toBe('server_shutdown');
      expect((await alice.ws.closed).code).toBe(1001);
      expect((await bob.ws.closed).code).toBe(1001);
      const { code, signal } = await server.exited;
      assert.ok(code === 0 || signal === 'SIGTERM', `exit ${code} / ${signal}`);
      closeAll(alice, bob);
    } finally {
      await server.stop();
    }
  });
});
