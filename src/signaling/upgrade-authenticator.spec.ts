import assert from 'node:assert/strict';
import { createSecretKey } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AUTH_COOKIE } from '../auth/auth-cookie.js';
import { TokenService } from '../auth/token.service.js';
import type { AppConfig } from '../config/app-config.js';
import { redactAccessToken, UpgradeAuthenticator } from './upgrade-authenticator.js';

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

function appConfig(overrides: Partial<Pick<AppConfig, 'publicOrigin' | 'allowedOrigins'>>) {
  const config: AppConfig = {
    production: false,
    port: 3000,
    host: '127.0.0.1',
    dataDir: '/tmp/dialtone-spec',
    database: { type: 'sqlite', path: ':memory:' },
    jwt: { secret: SECRET, ttlSeconds: 3600, issuer: ISSUER, audience: AUDIENCE },
    trustProxy: false,
    publicOrigin: 'https://dialtone.example',
    allowedOrigins: ['https://app.partner.example'],
    ice: { stunUrls: [], turnUrls: [], turnSecret: undefined, turnTtlSeconds: 3600 },
    signaling: { maxSessionsPerUser: 5, ringTimeoutMs: 30_000, pingIntervalMs: 25_000 },
    ...overrides,
  };
  return config;
}

function upgrade(url: string, headers: Record<string, string> = {}): IncomingMessage {
  const request = new IncomingMessage(new Socket());
  request.url = url;
  request.headers = { host: 'localhost:3000', ...headers };
  return request;
}

const alice = { id: 'u-alice', username: 'alice', displayName: 'Alice A.' };

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
  let tokens: TokenService;
  let authenticator: UpgradeAuthenticator;
  let token: string;

  before(() => {
    Logger.overrideLogger(capture);
  });
  after(() => {
    Logger.overrideLogger(new ConsoleLogger());
  });

  beforeEach(() => {
    logged.length = 0;
    tokens = new TokenService(jwtService());
    authenticator = new UpgradeAuthenticator(tokens, appConfig({}));
    token = tokens.sign(alice);
  });

  function assertAccepted(request: IncomingMessage): void {
    const verdict = authenticator.verify(request);
    assert.equal(verdict.ok, true, JSON.stringify(verdict));
    assert.ok(verdict.ok);
    assert.equal(verdict.user.username, 'alice');
    assert.equal(verdict.user.displayName, 'Alice A.');
    assert.equal(verdict.user.id, 'u-alice');
    assert.ok(verdict.user.expiresAt > Date.now());
    assert.deepEqual(authenticator.userOf(request), verdict.user);
  }

  function assertRefused(request: IncomingMessage, status: 401 | 403): void {
    const verdict = authenticator.verify(request);
    assert.equal(verdict.ok, false);
    assert.ok(!verdict.ok);
    assert.equal(verdict.status, status);
    assert.ok(verdict.reason.length > 0);
    assert.equal(authenticator.userOf(request), undefined);
  }

  describe('Authorization: Bearer', () => {
    it('accepts a valid token, with or without a foreign Origin (no cookie to ride)', () => {
      assertAccepted(upgrade('/signaling', { authorization: `Bearer ${token}` }));
      assertAccepted(
        upgrade('/signaling', {
          authorization: `Bearer ${token}`,
          origin: 'https://evil.example',
        }),
      );
    });

    it('takes precedence over the cookie', () => {
      assertAccepted(
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

    it('accepts a non-browser client that sends no Origin', () => {
      assertAccepted(upgrade('/signaling', { cookie: cookie() }));
    });

    it('accepts an Origin on the same host as the upgrade', () => {
      assertAccepted(upgrade('/signaling', { cookie: cookie(), origin: 'http://localhost:3000' }));
    });

    it('accepts the PUBLIC_URL origin', () => {
      assertAccepted(
        upgrade('/signaling', {
          cookie: cookie(),
          origin: 'https://dialtone.example',
          host: 'internal:8080',
        }),
      );
    });

    it('accepts an origin listed in ALLOWED_ORIGINS', () => {
      assertAccepted(
        upgrade('/signaling', {
          cookie: cookie(),
          origin: 'https://app.partner.example',
          host: 'internal:8080',
        }),
      );
    });

    it('refuses a foreign Origin with 403 (cross-site WebSocket hijacking)', () => {
      for (const origin of [
        'https://evil.example',
        'http://localhost:3001', // same host name, another port
        'https://dialtone.example.evil.example',
        'https://app.partner.example:8443',
        'null', // sandboxed iframes and file: pages
        'not a url',
      ]) {
        assertRefused(upgrade('/signaling', { cookie: cookie(), origin }), 403);
      }
      assert.ok(logged.some((line) => line.includes('403') && line.includes('alice')));
      assert.ok(
        logged.every((line) => !line.includes(token)),
        'the token is never logged',
      );
    });

    it('refuses a foreign Origin even when PUBLIC_URL is not set', () => {
      authenticator = new UpgradeAuthenticator(
        tokens,
        appConfig({ publicOrigin: undefined, allowedOrigins: [] }),
      );
      assertRefused(
        upgrade('/signaling', { cookie: cookie(), origin: 'https://evil.example' }),
        403,
      );
      assertAccepted(upgrade('/signaling', { cookie: cookie(), origin: 'http://localhost:3000' }));
    });
  });

  describe('access_token query parameter', () => {
    it('accepts a valid token, from any Origin (it cannot ride along cross-site)', () => {
      assertAccepted(upgrade(`/signaling?access_token=${token}`));
      assertAccepted(
        upgrade(`/signaling?x=1&access_token=${encodeURIComponent(token)}`, {
          origin: 'https://evil.example',
        }),
      );
    });

    it('is redacted in logs', () => {
      const url = new URL(`http://h/signaling?a=1&access_token=${token}&b=2`);
      const shown = redactAccessToken(url);
      assert.equal(shown, '/signaling?a=1&access_token=REDACTED&b=2');
      assert.equal(shown.includes(token), false);
      assert.equal(url.searchParams.get('access_token'), token, 'the URL itself is untouched');
      assert.equal(redactAccessToken(new URL('http://h/signaling?a=1')), '/signaling?a=1');
      assert.equal(redactAccessToken(new URL('http://h/signaling')), '/signaling');
    });

    it('a refused query token does not reach the log', () => {
      const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
      assertRefused(upgrade(`/signaling?v=1&access_token=${tampered}`), 401);
      assert.ok(logged.some((line) => line.includes('/signaling?v=1&access_token=REDACTED')));
      assert.ok(logged.every((line) => !line.includes(tampered)));
    });
  });

  describe('refused with 401', () => {
    it('without any token', () => {
      assertRefused(upgrade('/signaling'), 401);
      assertRefused(upgrade('/signaling', { authorization: 'Basic YWxpY2U6cHc=' }), 401);
      assertRefused(upgrade('/signaling', { cookie: 'theme=dark' }), 401);
      assertRefused(upgrade('/signaling?access_token='), 401);
    });

    it('with a garbage token', () => {
      for (const garbage of [
        'garbage',
        'a.b.c',
        `${token}x`,
        token.split('.').slice(0, 2).join('.'),
      ]) {
        assertRefused(upgrade('/signaling', { authorization: `Bearer ${garbage}` }), 401);
        assertRefused(upgrade('/signaling', { cookie: `${AUTH_COOKIE}=${garbage}` }), 401);
        assertRefused(upgrade(`/signaling?access_token=${encodeURIComponent(garbage)}`), 401);
      }
    });

    it('with an expired token', () => {
      const stale = jwtService().sign(
        { username: 'alice', name: 'Alice A.' },
        { subject: 'u-alice', expiresIn: -10 },
      );
      const claims = jwtService().decode<{ exp: number }>(stale);
      assert.ok(claims.exp * 1000 < Date.now(), 'the token really is expired');
      assertRefused(upgrade('/signaling', { authorization: `Bearer ${stale}` }), 401);
      assertRefused(upgrade('/signaling', { cookie: `${AUTH_COOKIE}=${stale}` }), 401);
      assertRefused(upgrade(`/signaling?access_token=${stale}`), 401);
    });

    it('with a token signed by another key, or for another audience', () => {
      const forged = new TokenService(
        jwtService(Buffer.from('another-secret-another-secret!!')),
      ).sign(alice);
      assertRefused(upgrade('/signaling', { authorization: `Bearer ${forged}` }), 401);
      const otherAudience = jwtService().sign(
        { username: 'alice', name: 'Alice A.' },
        { subject: 'u-alice', audience: 'someone-else' },
      );
      assertRefused(upgrade('/signaling', { authorization: `Bearer ${otherAudience}` }), 401);
    });

    it('with a bad Bearer token even when a good cookie is present', () => {
      assertRefused(
        upgrade('/signaling', {
          authorization: 'Bearer garbage',
          cookie: `${AUTH_COOKIE}=${token}`,
        }),
        401,
      );
    });

    it('a 401 answers before the Origin is looked at', () => {
      assertRefused(
        upgrade('/signaling', { cookie: `${AUTH_COOKIE}=garbage`, origin: 'https://evil.example' }),
        401,
      );
    });
  });
});
