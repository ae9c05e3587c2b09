/** Sends the browser to the login page, coming back here afterwards. */
export function goToLogin(): void {
  const next = location.pathname + location.search;
  location.assign(`/login?next=${encodeURIComponent(next)}`);
}

/**
 * GET a JSON resource of this site with the login cookie. A 401 means the login is gone, so the
 * page cannot work any more: go and log in again.
 */
export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, {
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  });
  if (response.status === 401) {
    goToLogin();
  }
  if (!response.ok) {
    throw new Error(`GET ${path}: ${response.status}`);
  }
  return (await response.json()) as T;
}

/** What a change sent with `sendJson` came back with: the status and the JSON body, if any. */
export interface JsonReply<T> {
  status: number;
  ok: boolean;
  body: T | undefined;
}

/**
 * A POST, PATCH or DELETE to this site with the login cookie and a JSON body. Refusals are
 * answers (the caller says what went wrong), and so is no answer at all (status 0: offline);
 * only a 401 does more: the login is gone, so log in again.
 */
export async function sendJson<T = unknown>(
  method: 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<JsonReply<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { status: 0, ok: false, body: undefined };
  }
  if (response.status === 401) {
    goToLogin();
  }
  const text = await response.text();
  return {
    status: response.status,
    ok: response.ok,
    body: text === '' ? undefined : (JSON.parse(text) as T),
  };
}
