import type { CookieOptions, Request, Response } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import { readCookie } from '../common/cookies.js';

export const AUTH_COOKIE = 'dialtone_token';

/** HttpOnly and SameSite=Strict always; Secure whenever the request arrived over HTTPS. */
export function authCookieOptions(request: Request, maxAgeSeconds?: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: request.secure,
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds * 1000 }),
  };
}

/** Logging out, in any form: the browser forgets the cookie (the token itself is revoked apart). */
export function clearAuthCookie(request: Request, response: Response): void {
  response.clearCookie(AUTH_COOKIE, authCookieOptions(request));
}

/**
 * The bearer token of a request: the Authorization header first, then the login cookie. Works on
 * plain Node headers too, because the WebSocket upgrade has no Express request.
 */
export function tokenFromHeaders(headers: IncomingHttpHeaders): {
  token: string | undefined;
  fromCookie: boolean;
} {
  const authorization = headers.authorization;
  if (authorization?.startsWith('Bearer ')) {
    return { token: authorization.slice('Bearer '.length).trim(), fromCookie: false };
  }
  return { token: readCookie(headers.cookie, AUTH_COOKIE), fromCookie: true };
}
