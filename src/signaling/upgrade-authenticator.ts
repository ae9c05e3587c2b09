import type { IncomingMessage } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { tokenFromHeaders } from '../auth/auth-cookie.js';
import { TokenService, type AuthenticatedUser } from '../auth/token.service.js';
import { ThrottledLog } from '../common/throttled-log.js';
import { isTrustedOrigin } from '../common/trusted-origin.js';
import { AppConfig } from '../config/app-config.js';
import { redactUrl } from '../logging/redaction.js';
import { expressTrust } from './resume/upgrade-address.js';
import { upgradeOrigin } from './upgrade-origin.js';

export type UpgradeVerdict =
  { ok: true; user: AuthenticatedUser } | { ok: false; status: 401 | 403; reason: string };

/**
 * Decides a WebSocket upgrade before the 101: a valid token (Authorization header, login cookie,
 * or `access_token` query parameter), and for cookie logins an Origin that is this server's own
 * (or listed in ALLOWED_ORIGINS) — otherwise any site could ride the cookie (cross-site WebSocket
 * hijacking). Origins are compared whole: scheme, host and port.
 */
@Injectable()
export class UpgradeAuthenticator {
  private readonly logger = new Logger('SignalingUpgrade');
  // Anyone can have upgrades refused at will: the lines about it are rate limited.
  private readonly unauthenticatedLog = new ThrottledLog((line) => this.logger.debug(line));
  private readonly foreignOriginLog = new ThrottledLog((line) => this.logger.warn(line));
  private readonly users = new WeakMap<IncomingMessage, AuthenticatedUser>();

  constructor(
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async verify(request: IncomingMessage): Promise<UpgradeVerdict> {
    const url = new URL(request.url ?? '/', 'http://upgrade.invalid');
    const fromQuery = url.searchParams.get('access_token') ?? undefined;
    const fromHeaders = tokenFromHeaders(request.headers);
    const token = fromHeaders.token ?? fromQuery;
    const user = await this.tokens.verify(token);
    if (!user) {
      this.unauthenticatedLog.line(`401 for ${redactUrl(url)}`);
      return { ok: false, status: 401, reason: 'A valid access token is required' };
    }
    const viaCookie = fromHeaders.fromCookie && fromHeaders.token !== undefined;
    if (viaCookie && !this.isOwnOrigin(request)) {
      this.foreignOriginLog.line(
        `403 for ${user.username}: foreign Origin ${request.headers.origin}`,
      );
      return { ok: false, status: 403, reason: 'Origin not allowed' };
    }
    this.users.set(request, user);
    return { ok: true, user };
  }

  /** The user of an upgrade that verify() accepted. */
  userOf(request: IncomingMessage): AuthenticatedUser | undefined {
    return this.users.get(request);
  }

  /**
   * Without PUBLIC_URL the own origin is the one the upgrade was addressed to, its scheme from the
   * connection or, from a trusted proxy only (TRUST_PROXY), X-Forwarded-Proto; see isTrustedOrigin.
   */
  private isOwnOrigin(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) {
      // Not a browser: Origin is what browsers use to say which site opened the socket.
      return true;
    }
    return isTrustedOrigin(
      origin,
      upgradeOrigin(request, expressTrust(this.adapterHost)),
      this.config,
    );
  }
}
