import type {
  ContactDto,
  ContactListDto,
  ContactRequestResultDto,
  ListedAccountDto,
} from '../../src/contacts/dto/contact.dto.js';
import type { PrivacyKey } from '../../src/i18n/translation.js';
import {
  type ContactMessage,
  type ServerMessage,
  SYSTEM_USER,
} from '../../src/signaling/protocol.js';
import { normalizeUsername } from '../../src/users/username.js';
import { getJson, type JsonReply, sendJson } from '../http.js';
import type { Translator } from '../i18n/translator.js';
import { ContactBook } from './contact-book.js';
import { accountLabel, actionButton, element } from './element.js';
import { privacyText, refusalKey } from './privacy-text.js';

export interface ContactsPanelDeps {
  translator: Translator;
  ownUsername: string;
  /** One click on a contact rings them. */
  dial(username: string): void;
  /** An account was blocked from here: the blocked list should show it. */
  blocked(): void;
  /** Someone asked to become a contact while the page is open (a toast says so). */
  requestArrived?(from: ListedAccountDto): void;
}

/** What the notice line says, kept as a key so that it follows a language switch. */
interface Notice {
  key: PrivacyKey;
  name?: string;
}

const CONTACT_EVENTS: ReadonlySet<string> = new Set<ContactMessage['type']>([
  'contact_request',
  'contact_accepted',
  'contact_removed',
  'contact_online',
  'contact_offline',
  'contact_renamed',
]);

export function isContactMessage(message: ServerMessage): message is ContactMessage {
  return CONTACT_EVENTS.has(message.type);
}

/**
 * The call page's contacts: online first with one click to call, requests to accept or decline,
 * requests waiting for an answer, and a field to add someone by username. Lists follow the
 * signaling socket's contact events as they come.
 */
export class ContactsPanel {
  readonly book = new ContactBook();
  private readonly heading: HTMLHeadingElement;
  private readonly notice: HTMLParagraphElement;
  private readonly lists: HTMLDivElement;
  private readonly addLabel: HTMLLabelElement;
  private readonly addInput: HTMLInputElement;
  private readonly addButton: HTMLButtonElement;
  private shownNotice: Notice | undefined;
  /** Events that arrive while the list is being fetched: applied again on top of the answer. */
  private arrivedDuringRefresh: ContactMessage[] | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly deps: ContactsPanelDeps,
  ) {
    this.heading = element('h2', { id: 'contacts-title', tabindex: '-1' });
    this.notice = element('p', { class: 'hint contacts-notice', role: 'status' });
    this.lists = element('div', { class: 'contact-lists' });
    this.addLabel = element('label', { for: 'add-contact' });
    this.addInput = element('input', {
      id: 'add-contact',
      autocomplete: 'off',
      autocapitalize: 'none',
      spellcheck: 'false',
      maxlength: '32',
    });
    this.addButton = element('button', { type: 'submit', class: 'secondary' });
    const form = element(
      'form',
      { class: 'add-contact', novalidate: true },
      this.addLabel,
      element('div', { class: 'dial-row' }, this.addInput, this.addButton),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.add(this.addInput.value);
    });
    root.setAttribute('aria-labelledby', this.heading.id);
    root.replaceChildren(this.heading, this.lists, form, this.notice);
    deps.translator.onChange(() => this.render());
    this.render();
  }

  /** Fetches the lists (after every new signaling session, so nothing missed while away stays). */
  async refresh(): Promise<void> {
    this.arrivedDuringRefresh = [];
    try {
      const list = await getJson<ContactListDto>('/contacts');
      this.book.replace(list);
      for (const message of this.arrivedDuringRefresh) {
        this.book.apply(message);
      }
    } catch (error) {
      console.warn('contacts unavailable', error);
    } finally {
      this.arrivedDuringRefresh = undefined;
    }
    this.render();
  }

  handle(message: ServerMessage): void {
    if (!isContactMessage(message)) {
      return;
    }
    const waiting = this.book.outgoing.find((e) => e.username === message.contact.username);
    const asking = this.book.incoming.some((e) => e.username === message.contact.username);
    this.arrivedDuringRefresh?.push(message);
    this.book.apply(message);
    if (message.type === 'contact_accepted' && waiting) {
      this.say({ key: 'nowContacts', name: message.contact.displayName });
    } else if (message.type === 'contact_removed' && waiting) {
      // "Request sent to Bob…" is no longer true: declined (or withdrawn on another device).
      this.say({ key: 'requestClosed', name: waiting.displayName });
    } else if (message.type === 'contact_request' && !asking) {
      const entry = this.book.incoming.find((e) => e.username === message.contact.username);
      if (entry) {
        this.deps.requestArrived?.(entry);
      }
    }
    this.render();
  }

  private async add(typed: string): Promise<void> {
    const username = normalizeUsername(typed.trim());
    if (!username) {
      return this.say({ key: 'noSuchAccount', name: typed.trim() });
    }
    if (username === this.deps.ownUsername) {
      return this.say({ key: 'notYourself' });
    }
    const reply = await sendJson<ContactRequestResultDto>('POST', '/contacts', { username });
    if (!reply.ok || !reply.body) {
      return this.refused(reply, username);
    }
    const result = reply.body;
    this.addInput.value = '';
    if (result.status === 'requested') {
      this.book.requested(result.contact);
      return this.say({ key: 'requestSent', name: result.contact.displayName });
    }
    const known = this.book.contacts.some((e) => e.username === result.contact.username);
    this.accepted(result.contact);
    this.say({ key: known ? 'alreadyContact' : 'nowContacts', name: result.contact.displayName });
  }

  private async accept(entry: ListedAccountDto): Promise<void> {
    const reply = await sendJson<ContactDto>('POST', this.path(entry, '/accept'));
    if (!reply.ok || !reply.body) {
      return this.refused(reply, entry.displayName);
    }
    this.accepted(reply.body);
    this.say({ key: 'nowContacts', name: entry.displayName });
  }

  /** What the server answered is what its event will say: the list need not wait for it. */
  private accepted(contact: ContactDto): void {
    this.book.apply({ ...this.envelope(), type: 'contact_accepted', contact });
  }

  /** Remove a contact, decline a request or withdraw one: the same request. */
  private async remove(entry: { username: string; displayName: string }): Promise<void> {
    const reply = await sendJson('DELETE', this.path(entry));
    if (!reply.ok) {
      return this.refused(reply, entry.displayName);
    }
    this.forget(entry.username);
  }

  private async block(entry: { username: string; displayName: string }): Promise<void> {
    if (!window.confirm(this.text('blockConfirm', entry.displayName))) {
      return;
    }
    const reply = await sendJson('POST', '/blocks', { username: entry.username });
    if (!reply.ok) {
      return this.refused(reply, entry.displayName);
    }
    this.forget(entry.username);
    this.deps.blocked();
  }

  private forget(username: string): void {
    this.book.apply({ ...this.envelope(), type: 'contact_removed', contact: { username } });
    this.render();
  }

  private envelope(): { fromUser: string; toUser: string } {
    return { fromUser: SYSTEM_USER, toUser: this.deps.ownUsername };
  }

  private refused(reply: JsonReply<unknown>, name: string): void {
    this.say({ key: refusalKey(reply), name });
  }

  private say(notice: Notice): void {
    this.shownNotice = notice;
    this.render();
  }

  /** Takes the user to the requests: the first one's Accept button, scrolled into view. */
  showRequests(): void {
    const first = this.lists.querySelector<HTMLElement>('#contact-requests-title + ul button');
    (first ?? this.heading).scrollIntoView({ block: 'center' });
    (first ?? this.heading).focus({ preventScroll: true });
  }

  private render(): void {
    const t = (key: PrivacyKey, name?: string) => this.text(key, name);
    const waiting = this.book.incoming.length;
    // A count beside the title: requests are not missed when the list is long.
    this.heading.replaceChildren(
      t('contactsTitle'),
      ...(waiting > 0
        ? [
            ' ',
            element('span', {
              class: 'count-badge',
              text: privacyText(this.deps.translator.locale, 'newRequests', {
                count: String(waiting),
              }),
            }),
          ]
        : []),
    );
    this.addLabel.textContent = t('addContactLabel');
    this.addInput.placeholder = t('addContactPlaceholder');
    this.addButton.textContent = t('addContact');
    this.notice.textContent = this.shownNotice
      ? t(this.shownNotice.key, this.shownNotice.name)
      : '';
    const focused = this.root.contains(document.activeElement)
      ? (document.activeElement as HTMLElement).dataset.focusKey
      : undefined;
    this.lists.replaceChildren(...this.contactList(), ...this.incoming(), ...this.outgoing());
    if (focused !== undefined) {
      const again = this.lists.querySelector<HTMLElement>(
        `[data-focus-key="${CSS.escape(focused)}"]`,
      );
      (again ?? this.heading).focus();
    }
  }

  private contactList(): HTMLElement[] {
    const contacts = this.book.contacts;
    if (contacts.length === 0) {
      return [element('p', { class: 'hint', text: this.text('contactsEmpty') })];
    }
    const items = contacts.map((contact) => {
      const name = contact.displayName;
      const state = this.text(contact.online ? 'online' : 'offline');
      return element(
        'li',
        { 'data-username': contact.username, 'data-online': String(contact.online) },
        element('span', { class: 'presence', 'aria-hidden': 'true' }),
        accountLabel(contact, state),
        element(
          'span',
          { class: 'contact-actions' },
          actionButton(this.text('call'), this.text('callContact', name), 'ok', () =>
            this.deps.dial(contact.username),
          ),
          actionButton(
            this.text('removeContact'),
            this.text('removeContactNamed', name),
            'secondary',
            () => void this.remove(contact),
          ),
          actionButton(
            this.text('blockAccount'),
            this.text('blockAccountNamed', name),
            'secondary',
            () => void this.block(contact),
          ),
        ),
      );
    });
    return [element('ul', { class: 'contact-list', 'aria-labelledby': this.heading.id }, ...items)];
  }

  private incoming(): HTMLElement[] {
    return this.section('requestsTitle', 'contact-requests', this.book.incoming, (entry) => [
      actionButton(
        this.text('acceptRequest'),
        this.text('acceptRequestFrom', entry.displayName),
        'ok',
        () => void this.accept(entry),
      ),
      actionButton(
        this.text('declineRequest'),
        this.text('declineRequestFrom', entry.displayName),
        'secondary',
        () => void this.remove(entry),
      ),
      actionButton(
        this.text('blockAccount'),
        this.text('blockAccountNamed', entry.displayName),
        'secondary',
        () => void this.block(entry),
      ),
    ]);
  }

  private outgoing(): HTMLElement[] {
    return this.section('waitingTitle', 'contact-waiting', this.book.outgoing, (entry) => [
      actionButton(
        this.text('cancelRequest'),
        this.text('cancelRequestTo', entry.displayName),
        'secondary',
        () => void this.remove(entry),
      ),
    ]);
  }

  /** A titled list of requests, or nothing when it is empty. */
  private section(
    title: PrivacyKey,
    id: string,
    entries: readonly ListedAccountDto[],
    actions: (entry: ListedAccountDto) => HTMLElement[],
  ): HTMLElement[] {
    if (entries.length === 0) {
      return [];
    }
    const heading = element('h3', { id: `${id}-title`, text: this.text(title) });
    const items = entries.map((entry) =>
      element(
        'li',
        { 'data-username': entry.username },
        accountLabel(entry),
        element('span', { class: 'contact-actions' }, ...actions(entry)),
      ),
    );
    return [
      heading,
      element('ul', { class: 'contact-list', 'aria-labelledby': heading.id }, ...items),
    ];
  }

  private path(entry: { username: string }, suffix = ''): string {
    return `/contacts/${encodeURIComponent(entry.username)}${suffix}`;
  }

  private text(key: PrivacyKey, name?: string): string {
    return privacyText(this.deps.translator.locale, key, name === undefined ? {} : { name });
  }
}
