import assert from 'node:assert/strict';

/** A fully read response: status, headers and the body as text (parse it with `json()`). */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json<T = Record<string, unknown>>(): T;
  /** The `dialtone_token` Set-Cookie line, if the response set one. */
  authCookie: string | undefined;
}

export interface RequestOptions {
  /** Sent as JSON. */
  json?: unknown;
  /** Sent form-encoded, as a browser submits a <form>. */
  form?: Record<string, string>;
  /** Sent as is (with whatever content-type `headers` gives). */
  body?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Sent as the `dialtone_token` cookie. */
  cookie?: string;
  headers?: Record<string, string>;
}

/** One HTTP request that never follows redirects, so tests see the 302/303 and its Location. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  if (options.token !== undefined) {
    headers.authorization = `Bearer ${options.token}`;
  }
  if (options.cookie !== undefined) {
    headers.cookie = `dialtone_token=${options.cookie}`;
  }
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    body,
    redirect: 'manual',
    headers: { ...headers, ...options.headers },
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: <T>() => JSON.parse(text) as T,
    authCookie: response.headers.getSetCookie().find((line) => line.startsWith('dialtone_token=')),
  };
}

/** A client bound to one server, for brevity in the suites. */
export function client(baseUrl: () => string) {
  return {
    get: (path: string, options?: RequestOptions) => call(baseUrl(), 'GET', path, options),
    post: (path: string, options?: RequestOptions) => call(baseUrl(), 'POST', path, options),
  };
}

/** The token value carried by a `dialtone_token=<value>; ...` Set-Cookie line. */
export function cookieValue(setCookie: string | undefined): string {
  assert.ok(setCookie, 'expected a dialtone_token cookie');
  return decodeURIComponent(setCookie.slice('dialtone_token='.length).split(';')[0]);
}

/** The attributes of a Set-Cookie line, lower-cased names: `{httponly: '', path: '/', ...}`. */
export function cookieAttributes(setCookie: string): Record<string, string> {
  return Object.fromEntries(
    setCookie
      .split(';')
      .slice(1)
      .map((part) => {
        const [name, ...value] = part.trim().split('=');
        return [name.toLowerCase(), value.join('=')];
      }),
  );
}

/** Asserts the JSON body of a validation failure lists exactly these fields. */
export function assertFieldErrors(reply: Reply, fields: string[]): void {
  assert.equal(reply.status, 400, reply.text);
  const { errors } = reply.json<{ errors: Record<string, string[]> }>();
  assert.deepEqual(Object.keys(errors).sort(), [...fields].sort());
  for (const problems of Object.values(errors)) {
    assert.ok(problems.length > 0 && problems.every((p) => typeof p === 'string' && p !== ''));
  }
}

/** Nothing in a response may reveal internals: stack frames, source paths or password hashes. */
export function assertNothingLeaked(reply: Reply): void {
  const everything = `${[...reply.headers].join('\n')}\n${reply.text}`;
  assert.doesNotMatch(everything, /\n\s+at |\.(js|ts):\d+|"stack"/, 'stack trace leaked');
  assert.doesNotMatch(everything, /\$argon2|passwordHash|password_hash/i, 'password hash leaked');
}
