import type { IncomingMessage } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { tokenFromHeaders } from '../auth/auth-cookie.js';
import { TokenService, type AuthenticatedUser } from '../auth/token.service.js';
import { AppConfig } from '../config/app-config.js';

export type UpgradeVerdict =
  { ok: true; user: AuthenticatedUser } | { ok: false; status: 401 | 403; reason: string };

/**
 * Decides a WebSocket upgrade before the 101: a valid token (Authorization header, login cookie,
 * or `access_token` query parameter), and for cookie logins an Origin that is this server's own
 * (or listed in ALLOWED_ORIGINS) — otherwise any site could ride the cookie (cross-site WebSocket
 * hijacking).
 */
@Injectable()
export class UpgradeAuthenticator {
  private readonly logger = new Logger('SignalingUpgrade');
  private readonly users = new WeakMap<IncomingMessage, AuthenticatedUser>();

  constructor(
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
  ) {}

  verify(request: IncomingMessage): UpgradeVerdict {
    const url = new URL(request.url ?? '/', 'http://upgrade.invalid');
    const fromQuery = url.searchParams.get('access_token') ?? undefined;
    const fromHeaders = tokenFromHeaders(request.headers);
    const token = fromHeaders.token ?? fromQuery;
    const user = this.tokens.verify(token);
    if (!user) {
      this.logger.debug(`401 for ${redactAccessToken(url)}`);
      return { ok: false, status: 401, reason: 'A valid access token is required' };
    }
    const viaCookie = fromHeaders.fromCookie && fromHeaders.token !== undefined;
    if (viaCookie && !this.isOwnOrigin(request)) {
      this.logger.warn(`403 for ${user.username}: foreign Origin ${request.headers.origin}`);
      return { ok: false, status: 403, reason: 'Origin not allowed' };
    }
    this.users.set(request, user);
    return { ok: true, user };
  }

  /** The user of an upgrade that verify() accepted. */
  userOf(request: IncomingMessage): AuthenticatedUser | undefined {
    return this.users.get(request);
  }

  private isOwnOrigin(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) {
      // Not a browser: Origin is what browsers use to say which site opened the socket.
      return true;
    }
    if (origin === this.config.publicOrigin || this.config.allowedOrigins.includes(origin)) {
      return true;
    }
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false;
    }
  }
}

/** The upgrade URL as it may appear in logs: a token in the query never does. */
export function redactAccessToken(url: URL): string {
  const shown = new URL(url);
  if (shown.searchParams.has('access_token')) {
    shown.searchParams.set('access_token', 'REDACTED');
  }
  return `${shown.pathname}${shown.search}`;
}
