/** The address someone shares so that others can call them (SharePageController). */
export function sharePath(username: string): string {
  return `/u/${encodeURIComponent(username)}`;
}
