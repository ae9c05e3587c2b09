/** What the setup step remembers in state.json, and the announcement made from it. */
export interface SetupState {
  host: string;
  publicUrl: string;
  trustUrl?: string | null;
  caSha256: string;
}

/**
 * The one line a new user looks for at the end of `docker compose up`: the address to open on a
 * phone, and where its certificate is (with the fingerprint to compare).
 */
export function readyLine(state: SetupState): string {
  const open = `Dialtone is ready: open ${state.publicUrl} on your phone.`;
  if (!state.trustUrl) {
    return open;
  }
  return (
    `${open} Trust its certificate first: ${state.trustUrl} ` +
    `(root CA SHA-256 ${state.caSha256}; the file is ca/root.crt in the setup volume)`
  );
}
