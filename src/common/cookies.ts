/** One cookie's value from a Cookie header (Express has no cookie parser here, nor does the upgrade). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) {
    return undefined;
  }
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) {
      try {
        return decodeURIComponent(part.slice(separator + 1).trim());
      } catch {
        return undefined; // malformed %-escape: as good as no cookie
      }
    }
  }
  return undefined;
}
