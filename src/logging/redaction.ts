/** Keys whose values are secrets (credentials) or private (SDP, ICE candidates: addresses). */
const SECRET_KEYS = [
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'accessToken',
  'access_token',
  'resumeToken',
  'metricsToken',
  'authorization',
  'cookie',
  'set-cookie',
  'sdp',
  'iceCandidate',
  'candidate',
];

/**
 * pino `redact` paths: those keys at the top of a logged object and one level down (an object
 * logged under a field: `headers.authorization`, `message.sdp`…). Nothing logs request headers
 * or frames today; this catches the line that someday does.
 */
export const REDACT_PATHS: readonly string[] = SECRET_KEYS.flatMap((key) => {
  const safe = /^\w+$/.test(key) ? key : `["${key}"]`;
  return [safe, safe.startsWith('[') ? `*${safe}` : `*.${safe}`];
});

export const REDACTED = '[redacted]';

/** A query parameter whose value is a credential (access_token, resumeToken, secret…). */
const SECRET_PARAM = /token|secret|password/i;

/** A URL path and query as they may appear in a log: the values of credential parameters are not. */
export function redactUrl(url: URL): string {
  const shown = new URL(url);
  for (const name of new Set(shown.searchParams.keys())) {
    if (SECRET_PARAM.test(name)) {
      shown.searchParams.set(name, 'REDACTED'); // brackets would be percent-encoded
    }
  }
  return `${shown.pathname}${shown.search}`;
}

/** A JWT: three base64url parts, the first a JSON object (`{"` → `eyJ`). */
const JWT = /eyJ[\w-]*\.[\w-]+\.[\w-]*/g;
/** `access_token=…`, `token: …` and the like inside free text (an error message, a URL). */
const SECRET_ASSIGNMENT =
  /\b([\w-]*(?:token|secret|password)[\w-]*["']?\s*[=:]\s*["']?)[^\s&"',;]+/gi;

/**
 * Free text (a message, an error's stack) with what looks like a credential replaced: redact
 * paths only reach object fields, and text is where a token would slip in by accident.
 */
export function scrubText(text: string): string {
  return text.replace(JWT, REDACTED).replace(SECRET_ASSIGNMENT, `$1${REDACTED}`);
}
