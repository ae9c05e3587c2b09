import type { DirectoryEntryDto } from '../../src/users/dto/user-profile.dto.js';
import { getJson } from '../http.js';
import type { Translator } from '../i18n/translator.js';

const TYPING_PAUSE_MS = 200;
const SUGGESTION_LIMIT = 20;

/**
 * Suggestions for the "Friend's account" field from the directory (online friends first, as the
 * server sorts them), in a native <datalist>: keyboard and screen-reader support come with it.
 */
export class FriendSuggestions {
  private timer: number | undefined;
  /** Answers can come back out of order: only the latest request may fill the list. */
  private latestRequest = 0;

  constructor(
    private readonly input: HTMLInputElement,
    private readonly list: HTMLDataListElement,
    private readonly ownUsername: string,
    private readonly translator: Translator,
  ) {}

  start(): void {
    this.input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = window.setTimeout(() => void this.load(), TYPING_PAUSE_MS);
    });
    this.input.addEventListener('focus', () => void this.load(), { once: true });
  }

  private async load(): Promise<void> {
    const request = ++this.latestRequest;
    const prefix = this.input.value.trim();
    const query = new URLSearchParams({ search: prefix, limit: String(SUGGESTION_LIMIT) });
    try {
      const entries = await getJson<DirectoryEntryDto[]>(`/users?${query.toString()}`);
      if (request === this.latestRequest) {
        this.show(entries.filter((entry) => entry.username !== this.ownUsername));
      }
    } catch (error) {
      console.warn('friend suggestions unavailable', error); // typing a name still works
    }
  }

  private show(entries: DirectoryEntryDto[]): void {
    const online = this.translator.text({ key: 'online' });
    this.list.replaceChildren(
      ...entries.map((entry) => {
        const label = entry.online ? `${entry.displayName} · ${online}` : entry.displayName;
        return new Option(label, entry.username);
      }),
    );
  }
}
