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
