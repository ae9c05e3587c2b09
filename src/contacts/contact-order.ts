/**
 * The order of a contact list: online first, then by display name, then by username (display names
 * need not be unique). Pure: the server sorts GET /contacts with it and the page re-sorts with it
 * after every presence event.
 */
export function byPresenceThenName(
  a: { online: boolean; displayName: string; username: string },
  b: { online: boolean; displayName: string; username: string },
): number {
  if (a.online !== b.online) {
    return a.online ? -1 : 1;
  }
  return (
    a.displayName.localeCompare(b.displayName) ||
    (a.username < b.username ? -1 : a.username > b.username ? 1 : 0)
  );
}
