import type { ContactDto } from '../../src/contacts/dto/contact.dto.js';
import type { DirectoryEntryDto } from '../../src/directory/dto/directory-entry.dto.js';
import { USERNAME_PATTERN } from '../../src/users/username.js';
import { getJson } from '../http.js';
import type { Translator } from '../i18n/translator.js';

const TYPING_PAUSE_MS = 200;
const SUGGESTION_LIMIT = 20;

/**
 * Suggestions for the "Friend's account" field: your contacts first (online ones first) from the
 * first character typed, then, from 3 characters of a username, the directory's other accounts
 * (it matches usernames by prefix only). An ARIA 1.2 combobox: the list shows display names, and
 * choosing one puts that person's account name in the field, which is what gets dialled. Arrow
 * keys move through the list, Enter chooses, Escape closes it; a click chooses too.
 */
export class FriendSuggestions {
  private timer: number | undefined;
  /** Answers can come back out of order: only the latest request may fill the list. */
  private latestRequest = 0;
  private entries: DirectoryEntryDto[] = [];
  private active = -1;

  constructor(
    private readonly input: HTMLInputElement,
    private readonly list: HTMLUListElement,
    private readonly ownUsername: string,
    private readonly translator: Translator,
    /** The contacts matching what was typed, online first. */
    private readonly contacts: (typed: string) => readonly ContactDto[],
  ) {}

  start(): void {
    this.input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = window.setTimeout(() => void this.load(true), TYPING_PAUSE_MS);
    });
    // Fetched ahead on the first focus, shown only once the user types or presses an arrow key.
    this.input.addEventListener('focus', () => void this.load(false), { once: true });
    this.input.addEventListener('keydown', (event) => this.key(event));
    this.input.addEventListener('blur', () => this.close());
    // pointerdown, not click: the field must keep focus (and the list stay open) until the choice.
    this.list.addEventListener('pointerdown', (event) => {
      event.preventDefault();
      const option = (event.target as Element).closest<HTMLElement>('[role="option"]');
      if (option) {
        this.choose(Number(option.dataset.index));
      }
    });
    this.translator.onChange(() => this.render());
  }

  /**
   * The account to dial for what the field says: a suggestion's display name (or its label)
   * means that suggestion's account; anything else is taken as an account name.
   */
  accountFor(typed: string): string {
    const text = typed.trim().toLowerCase();
    const match = this.entries.find(
      (entry) =>
        entry.displayName.trim().toLowerCase() === text || this.label(entry).toLowerCase() === text,
    );
    return match?.username ?? typed;
  }

  private key(event: KeyboardEvent): void {
    const open = !this.list.hidden;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (this.entries.length === 0) {
        return;
      }
      const step = event.key === 'ArrowDown' ? 1 : -1;
      const count = this.entries.length;
      this.setActive(open ? (this.active + step + count) % count : step > 0 ? 0 : count - 1);
    } else if (event.key === 'Enter' && open && this.active >= 0) {
      event.preventDefault(); // choosing is not dialling: the next Enter dials
      this.choose(this.active);
    } else if (event.key === 'Escape' && open) {
      event.preventDefault(); // the list closes; Escape means nothing else here
      this.close();
    }
  }

  private async load(show: boolean): Promise<void> {
    const request = ++this.latestRequest;
    const prefix = this.input.value.trim();
    try {
      const entries = await this.suggest(prefix);
      if (request === this.latestRequest) {
        // A refresh keeps the highlighted person highlighted, wherever they now are in the list.
        const highlighted = this.entries[this.active]?.username;
        this.entries = entries.filter((entry) => entry.username !== this.ownUsername);
        this.render();
        const index = this.entries.findIndex((entry) => entry.username === highlighted);
        if (index >= 0) {
          this.setActive(index);
        } else {
          this.active = -1;
          this.input.removeAttribute('aria-activedescendant');
        }
        if (show && document.activeElement === this.input && this.entries.length > 0) {
          this.open();
        }
      }
    } catch (error) {
      console.warn('friend suggestions unavailable', error); // typing a name still works
    }
  }

  /** Contacts first; the directory only for what can start a username (3 characters or more). */
  private async suggest(prefix: string): Promise<DirectoryEntryDto[]> {
    const contacts = this.contacts(prefix).map((contact) => ({ ...contact, contact: true }));
    if (!USERNAME_PATTERN.test(prefix)) {
      return contacts;
    }
    const query = new URLSearchParams({ search: prefix, limit: String(SUGGESTION_LIMIT) });
    const found = await getJson<DirectoryEntryDto[]>(`/users?${query.toString()}`);
    const others = found.filter((entry) => !contacts.some((c) => c.username === entry.username));
    return [...contacts, ...others].slice(0, SUGGESTION_LIMIT);
  }

  private label(entry: DirectoryEntryDto): string {
    const online = this.translator.text({ key: 'online' });
    return entry.online ? `${entry.displayName} · ${online}` : entry.displayName;
  }

  private render(): void {
    this.list.replaceChildren(
      ...this.entries.map((entry, index) => {
        const option = document.createElement('li');
        option.id = `${this.list.id}-${index}`;
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', String(index === this.active));
        option.dataset.index = String(index);
        option.dataset.online = String(entry.online === true);
        const name = document.createElement('span');
        name.className = 'suggestion-name';
        name.textContent = this.label(entry);
        const account = document.createElement('span');
        account.className = 'suggestion-account';
        account.textContent = `@${entry.username}`;
        option.append(name, ' ', account);
        return option;
      }),
    );
    if (this.entries.length === 0) {
      this.close();
    }
  }

  private setActive(index: number): void {
    this.open();
    this.active = index;
    for (const option of this.list.children) {
      const selected = option.id === `${this.list.id}-${index}`;
      option.setAttribute('aria-selected', String(selected));
      if (selected) {
        option.scrollIntoView({ block: 'nearest' });
      }
    }
    this.input.setAttribute('aria-activedescendant', `${this.list.id}-${index}`);
  }

  private choose(index: number): void {
    const entry = this.entries[index];
    if (entry) {
      this.input.value = entry.username;
    }
    this.close();
  }

  private open(): void {
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
  }

  private close(): void {
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }
}
