import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

export const REQUEST_ID_HEADER = 'X-Request-Id';
/** An incoming id is kept when it is short printable ASCII (no space, no control character). */
const ACCEPTABLE_ID = /^[\x21-\x7e]{1,64}$/;
/** Longer paths are cut: anyone can send a 16 kB URL, and it would be written as it came. */
const MAX_LOGGED_PATH = 256;
/**
 * Probes (the compose healthcheck, a load balancer) ask every few seconds on every instance, and
 * their lines would outnumber every other; a probe that fails (503) is still logged.
 */
const HEALTH_PATH = '/health';

/** The request's id: the client's (or proxy's) X-Request-Id when sane, otherwise a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && ACCEPTABLE_ID.test(header) ? header : randomUUID();
}

/** The id requestLogging gave this response's request, for other lines about the request. */
export function requestIdOf(response: Response): string | undefined {
  const id: unknown = response.locals.reqId;
  return typeof id === 'string' ? id : undefined;
}

/**
 * First of all middleware: gives each request its id (echoed in X-Request-Id) and, once the
 * response is done, writes its access line: method, path without the query (a query may carry
 * a token), status and duration.
 */
export function requestLogging(logger: Logger): RequestHandler {
  const access = logger.child({ context: 'Http' });
  return (request: Request, response: Response, next: NextFunction) => {
    const startedAt = performance.now();
    const reqId = requestIdFrom(request.headers['x-request-id']);
    response.locals.reqId = reqId;
    response.setHeader(REQUEST_ID_HEADER, reqId);
    response.once('close', () => {
      const path = pathOf(request.originalUrl);
      const status = response.statusCode;
      if (path === HEALTH_PATH && status < 400) {
        return;
      }
      access.info(
        {
          reqId,
          method: request.method,
          path,
          status,
          durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
          // The client went away before the whole response was written.
          ...(response.writableFinished ? {} : { aborted: true }),
        },
        'request',
      );
    });
    next();
  };
}

function pathOf(url: string): string {
  const end = url.indexOf('?');
  const path = end === -1 ? url : url.slice(0, end);
  return path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…` : path;
}
