import type { DirectoryEntryDto } from '../../src/directory/dto/directory-entry.dto.js';
import { getJson } from '../http.js';

/** How the page names someone it calls or who calls it. */
export interface PeerName {
  displayName: string;
  /** One of your accepted contacts; false marks a stranger ("Not in your contacts"). */
  contact: boolean;
}

export interface NameSources {
  /** An accepted contact, by username. */
  contact(username: string): { displayName: string } | undefined;
}

/**
 * Display names for the call page (status line, incoming panel, alerts, peer overlays): the
 * contact list first, else the directory (one `GET /users?search=` per name, remembered for the
 * page's life). Until a name is known the username stands in.
 */
export class PeerNames {
  private readonly known = new Map<string, PeerName>();
  private readonly asked = new Map<string, Promise<void>>();
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly sources: NameSources) {}

  /** The display name, or the username while it is not known. */
  display(username: string): string {
    return this.lookUp(username)?.displayName ?? username;
  }

  /** Whether `username` is a contact; undefined while not known. */
  isContact(username: string): boolean | undefined {
    return this.lookUp(username)?.contact;
  }

  /** Called after a name became known (and after the contact list changed). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** The contact list changed: names shown may change. */
  contactsChanged(): void {
    this.changed();
  }

  /** Resolves once the name is known, or its lookup is over. */
  settled(username: string): Promise<void> {
    return this.asked.get(username) ?? Promise.resolve();
  }

  /** Asks the directory once for a name that is not a contact's. */
  learn(username: string): Promise<void> {
    if (this.lookUp(username)) {
      return Promise.resolve();
    }
    let lookup = this.asked.get(username);
    if (!lookup) {
      lookup = this.ask(username);
      this.asked.set(username, lookup);
    }
    return lookup;
  }

  private async ask(username: string): Promise<void> {
    try {
      const query = new URLSearchParams({ search: username, limit: '20' });
      const found = await getJson<DirectoryEntryDto[]>(`/users?${query.toString()}`);
      const entry = found.find((candidate) => candidate.username === username);
      if (entry) {
        this.known.set(username, { displayName: entry.displayName, contact: entry.contact });
        this.changed();
      }
    } catch (error) {
      console.warn('no display name for', username, error); // the username stands in
    }
  }

  private lookUp(username: string): PeerName | undefined {
    const contact = this.sources.contact(username);
    return contact ? { displayName: contact.displayName, contact: true } : this.known.get(username);
  }

  private changed(): void {
    for (const listener of this.listeners) {
      listener();
    }
  }
}
