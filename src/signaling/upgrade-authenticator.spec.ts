import assert from 'node:assert/strict';
import { createSecretKey } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { AUTH_COOKIE } from '../auth/auth-cookie.js';
import { RevocationList } from '../auth/revocation-list.js';
import { TokenService } from '../auth/token.service.js';
import type { AppConfig } from '../config/app-config.js';
import { loadConfig } from '../config/load-config.js';
import { UpgradeAuthenticator } from './upgrade-authenticator.js';

const SECRET = Buffer.from('upgrade-authenticator-spec-secret-0123456789abcdef');
const ISSUER = 'https://dialtone.example';
const AUDIENCE = 'dialtone';

function jwtService(secret: Buffer = SECRET): JwtService {
  return new JwtService({
    secret: createSecretKey(secret),
    signOptions: { algorithm: 'HS256', expiresIn: 3600, issuer: ISSUER, audience: AUDIENCE },
    verifyOptions: { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE },
  });
}

/** The real config loader's defaults, with this suite's origins (and any override). */
function appConfig(
  overrides: Partial<Pick<AppConfig, 'publicOrigin' | 'allowedOrigins' | 'trustProxy'>>,
): AppConfig {
  const loaded = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: SECRET.toString(),
    PUBLIC_URL: ISSUER,
    ALLOWED_ORIGINS: 'https://app.partner.example',
  });
  return { ...loaded, ...overrides };
}

/** Express's compiled TRUST_PROXY rule, as the authenticator reads it from the HTTP adapter. */
function adapterHost(trustedProxy = false): HttpAdapterHost {
  const trust = (): boolean => trustedProxy;
  return {
    httpAdapter: { getInstance: () => ({ get: () => trust }) },
  } as unknown as HttpAdapterHost;
}

function upgrade(url: string, headers: Record<string, string> = {}): IncomingMessage {
  const request = new IncomingMessage(new Socket());
  request.url = url;
  request.headers = { host: 'localhost:3000', ...headers };
  return request;
}

const alice = { id: 'u-alice', username: 'alice', displayName: 'Alice A.', tokenGeneration: 0 };

/** Captures what the authenticator logs, so tests can check that tokens never appear there. */
const logged: string[] = [];
const capture: LoggerService = {
  log: (message: unknown) => logged.push(String(message)),
  error: (message: unknown) => logged.push(String(message)),
  warn: (message: unknown) => logged.push(String(message)),
  debug: (message: unknown) => logged.push(String(message)),
  verbose: (message: unknown) => logged.push(String(message)),
};

describe('UpgradeAuthenticator', () => {
  let revocations: RevocationList;
  let tokens: TokenService;
  let authenticator: UpgradeAuthenticator;
  let token: string;

  beforeAll(() => {
    Logger.overrideLogger(capture);
  });
  afterAll(() => {
    Logger.overrideLogger(new ConsoleLogger());
  });

  beforeEach(() => {
    logged.length = 0;
    revocations = new RevocationList();
    tokens = new TokenService(jwtService(), revocations);
    authenticator = new UpgradeAuthenticator(tokens, appConfig({}), adapterHost());
    token = tokens.sign(alice);
  });

  async function assertAccepted(request: IncomingMessage): Promise<void> {
    const verdict = await authenticator.verify(request);
    assert.equal(verdict.ok, true, JSON.stringify(verdict));
    assert.ok(verdict.ok);
    expect(verdict.user.username).toBe('alice');
    expect(verdict.user.displayName).toBe('Alice A.');
    expect(verdict.user.id).toBe('u-alice');
    assert.ok(verdict.user.expiresAt > Date.now());
    expect(authenticator.userOf(request)).toStrictEqual(verdict.user);
  }

  async function assertRefused(request: IncomingMessage, status: 401 | 403): Promise<void> {
    const verdict = await authenticator.verify(request);
    expect(verdict.ok).toBe(false);
    assert.ok(!verdict.ok);
    expect(verdict.status).toBe(status);
    assert.ok(verdict.reason.length > 0);
    expect(authenticator.userOf(request)).toBe(undefined);
  }

  describe('Authorization: Bearer', () => {
    it('accepts a valid token, with or without a foreign Origin (no cookie to ride)', async () => {
      await assertAccepted(upgrade('/signaling', { authorization: `Bearer ${token}` }));
      await assertAccepted(
        upgrade('/signaling', {
          authorization: `Bearer ${token}`,
          origin: 'https://evil.example',
        }),
      );
    });

    it('takes precedence over the cookie', async () => {
      await assertAccepted(
        upgrade('/signaling', {
          authorization: `Bearer ${token}`,
          cookie: `${AUTH_COOKIE}=garbage`,
          origin: 'https://evil.example',
        }),
      );
    });
  });

  describe('login cookie', () => {
    const cookie = () => `theme=dark; ${AUTH_COOKIE}=${encodeURIComponent(token)}; other=1`;

    it('accepts a non-browser client that sends no Origin', async () => {
      await assertAccepted(upgrade('/signaling', { cookie: cookie() }));
    });

    it('with PUBLIC_URL set, only that origin is its own, not the upgrade host', async () => {
      // Behind a TLS proxy the upgrade arrives as http://HOST: that must not pass for the site.
      await assertRefused(
        upgrade('/signaling', { cookie: cookie(), origin: 'http://localhost:3000' }),
        403,
      );
    });

    it('accepts the PUBLIC_URL origin', async () => {
      await assertAccepted(
        upgrade('/signaling', {
          cookie: cookie(),
          origin: 'https://dialtone.example',
          host: 'internal:8080',
        }),
      );
    });

    it('accepts an origin listed in ALLOWED_ORIGINS', async () => {
      await assertAccepted(
        upgrade('/signaling', {
          cookie: cookie(),
          origin: 'https://app.partner.example',
          host: 'internal:8080',
        }),
      );
    });

    it('refuses a foreign Origin with 403 (cross-site WebSocket hijacking)', async () => {
      for (const origin of [
        'https://evil.example',
        'http://localhost:3001', // same host name, another port
        'https://dialtone.example.evil.example',
        'https://app.partner.example:8443',
        'null', // sandboxed iframes and file: pages
        'not a url',
      ]) {
        await assertRefused(upgrade('/signaling', { cookie: cookie(), origin }), 403);
      }
      assert.ok(logged.some((line) => line.includes('403') && line.includes('alice')));
      assert.ok(
        logged.every((line) => !line.includes(token)),
        'the token is never logged',
      );
    });

    it('logs a flood of refused upgrades as a few lines, not one per upgrade', async () => {
      for (let n = 0; n < 1000; n += 1) {
        await authenticator.verify(
          upgrade('/signaling', { cookie: cookie(), origin: 'https://evil.example' }),
        );
        await authenticator.verify(upgrade(`/signaling?n=${n}`));
      }
      expect(logged.filter((line) => line.startsWith('403'))).toHaveLength(10);
      expect(logged.filter((line) => line.startsWith('401'))).toHaveLength(10);
    });

    it('refuses a foreign Origin even when PUBLIC_URL is not set', async () => {
      authenticator = new UpgradeAuthenticator(
        tokens,
        appConfig({ publicOrigin: undefined, allowedOrigins: [] }),
        adapterHost(),
      );
      await assertRefused(
        upgrade('/signaling', { cookie: cookie(), origin: 'https://evil.example' }),
        403,
      );
      await assertAccepted(
        upgrade('/signaling', { cookie: cookie(), origin: 'http://localhost:3000' }),
      );
    });

    it('compares whole origins: http://HOST is not https://HOST (PUBLIC_URL)', async () => {
      const host = { host: 'dialtone.example' };
      for (const origin of ['http://dialtone.example', 'https://dialtone.example:8443']) {
        await assertRefused(upgrade('/signaling', { ...host, cookie: cookie(), origin }), 403);
      }
      // Canonical forms of the same origin: default port, capitals.
      for (const origin of ['https://dialtone.example', 'https://DIALTONE.example:443']) {
        await assertAccepted(upgrade('/signaling', { ...host, cookie: cookie(), origin }));
      }
    });

    it('without PUBLIC_URL: the scheme the upgrade came in with, X-Forwarded-Proto only from a trusted proxy', async () => {
      const noPublicUrl = appConfig({ publicOrigin: undefined, allowedOrigins: [] });
      const behindProxy = {
        host: 'dialtone.example',
        'x-forwarded-proto': 'https',
        cookie: cookie(),
      };
      // Not trusted: the forwarded scheme is ignored, so only http://HOST is this server's own.
      authenticator = new UpgradeAuthenticator(tokens, noPublicUrl, adapterHost(false));
      await assertRefused(
        upgrade('/signaling', { ...behindProxy, origin: 'https://dialtone.example' }),
        403,
      );
      await assertAccepted(
        upgrade('/signaling', { ...behindProxy, origin: 'http://dialtone.example' }),
      );
      // Trusted (TRUST_PROXY): https://HOST is, and http://HOST no longer is.
      authenticator = new UpgradeAuthenticator(tokens, noPublicUrl, adapterHost(true));
      await assertAccepted(
        upgrade('/signaling', { ...behindProxy, origin: 'https://dialtone.example' }),
      );
      await assertRefused(
        upgrade('/signaling', { ...behindProxy, origin: 'http://dialtone.example' }),
        403,
      );
      const forwardedHost = { ...behindProxy, 'x-forwarded-host': 'calls.example, inner' };
      await assertAccepted(
        upgrade('/signaling', { ...forwardedHost, origin: 'https://calls.example' }),
      );
    });
  });

  describe('access_token query parameter', () => {
    it('accepts a valid token, from any Origin (it cannot ride along cross-site)', async () => {
      await assertAccepted(upgrade(`/signaling?access_token=${token}`));
      await assertAccepted(
        upgrade(`/signaling?x=1&access_token=${encodeURIComponent(token)}`, {
          origin: 'https://evil.example',
        }),
      );
    });

    it('a refused query token does not reach the log', async () => {
      const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
      await assertRefused(upgrade(`/signaling?v=1&access_token=${tampered}`), 401);
      assert.ok(logged.some((line) => line.includes('/signaling?v=1&access_token=REDACTED')));
      assert.ok(logged.every((line) => !line.includes(tampered)));
    });
  });

  describe('refused with 401', () => {
    it('without any token', async () => {
      await assertRefused(upgrade('/signaling'), 401);
      await assertRefused(upgrade('/signaling', { authorization: 'Basic YWxpY2U6cHc=' }), 401);
      await assertRefused(upgrade('/signaling', { cookie: 'theme=dark' }), 401);
      await assertRefused(upgrade('/signaling?access_token='), 401);
    });

    it('with a garbage token', async () => {
      for (const garbage of [
        'garbage',
        'a.b.c',
        `${token}x`,
        token.split('.').slice(0, 2).join('.'),
      ]) {
        await assertRefused(upgrade('/signaling', { authorization: `Bearer ${garbage}` }), 401);
        await assertRefused(upgrade('/signaling', { cookie: `${AUTH_COOKIE}=${garbage}` }), 401);
        await assertRefused(upgrade(`/signaling?access_token=${encodeURIComponent(garbage)}`), 401);
      }
    });

    it('with an expired token', async () => {
      const stale = jwtService().sign(
        { username: 'alice', name: 'Alice A.' },
        { subject: 'u-alice', expiresIn: -10, jwtid: 'expired-token' },
      );
      const claims = jwtService().decode<{ exp: number }>(stale);
      assert.ok(claims.exp * 1000 < Date.now(), 'the token really is expired');
      await assertRefused(upgrade('/signaling', { authorization: `Bearer ${stale}` }), 401);
      await assertRefused(upgrade('/signaling', { cookie: `${AUTH_COOKIE}=${stale}` }), 401);
      await assertRefused(upgrade(`/signaling?access_token=${stale}`), 401);
    });

    it('with a token that was logged out, or signed before "log out everywhere"', async () => {
      const verdict = await authenticator.verify(
        upgrade('/signaling', { authorization: `Bearer ${token}` }),
      );
      assert.ok(verdict.ok);
      revocations.revoke(verdict.user.tokenId, verdict.user.expiresAt);
      await assertRefused(upgrade('/signaling', { authorization: `Bearer ${token}` }), 401);
      await assertRefused(upgrade('/signaling', { cookie: `${AUTH_COOKIE}=${token}` }), 401);
      const second = tokens.sign(alice);
      await assertAccepted(upgrade(`/signaling?access_token=${second}`));
      revocations.setGeneration(alice.id, 1);
      await assertRefused(upgrade(`/signaling?access_token=${second}`), 401);
      await assertAccepted(
        upgrade('/signaling', {
          authorization: `Bearer ${tokens.sign({ ...alice, tokenGeneration: 1 })}`,
        }),
      );
    });

    it('with a token signed by another key, or for another audience', async () => {
      const forged = new TokenService(
        jwtService(Buffer.from('another-secret-another-secret!!')),
        revocations,
      ).sign(alice);
      await assertRefused(upgrade('/signaling', { authorization: `Bearer ${forged}` }), 401);
      const otherAudience = jwtService().sign(
        { username: 'alice', name: 'Alice A.' },
        { subject: 'u-alice', audience: 'someone-else', jwtid: 'other-audience' },
      );
      await assertRefused(upgrade('/signaling', { authorization: `Bearer ${otherAudience}` }), 401);
    });

    it('with a bad Bearer token even when a good cookie is present', async () => {
      await assertRefused(
        upgrade('/signaling', {
          authorization: 'Bearer garbage',
          cookie: `${AUTH_COOKIE}=${token}`,
        }),
        401,
      );
    });

    it('a 401 answers before the Origin is looked at', async () => {
      await assertRefused(
        upgrade('/signaling', { cookie: `${AUTH_COOKIE}=garbage`, origin: 'https://evil.example' }),
        401,
      );
    });
  });
});
