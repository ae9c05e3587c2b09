import type { ListedAccountDto } from '../../src/contacts/dto/contact.dto.js';
import type { PrivacyKey } from '../../src/i18n/translation.js';
import type { PrivacySettingsDto } from '../../src/privacy/dto/privacy.dto.js';
import { normalizeUsername } from '../../src/users/username.js';
import { getJson, sendJson } from '../http.js';
import { shortTime } from '../call/connection-indicator.js';
import type { Translator } from '../i18n/translator.js';
import { accountLabel, actionButton, element } from './element.js';
import { privacyText, refusalKey } from './privacy-text.js';

/** How long do-not-disturb lasts when switched on, in minutes; 0: until switched off. */
const DURATIONS: readonly { minutes: number; key: PrivacyKey }[] = [
  { minutes: 0, key: 'untilTurnedOff' },
  { minutes: 60, key: 'forOneHour' },
  { minutes: 240, key: 'forFourHours' },
  { minutes: 480, key: 'forEightHours' },
  { minutes: 1440, key: 'forOneDay' },
];

/**
 * The privacy settings of the call page: who can call me, do-not-disturb (optionally for a while),
 * and the blocked accounts, with unblock and a field to block someone by username.
 */
export class PrivacyPanel {
  private settings: PrivacySettingsDto | undefined;
  private blocked: ListedAccountDto[] = [];
  private notice: { key: PrivacyKey; name?: string } | undefined;
  private endTimer: number | undefined;
  private readonly heading = element('h2', { id: 'privacy-title' });
  private readonly whoLabel = element('label', { for: 'who-can-ring' });
  private readonly who = element('select', {
    id: 'who-can-ring',
    'aria-describedby': 'who-can-ring-hint',
  });
  private readonly whoHint = element('p', { class: 'hint', id: 'who-can-ring-hint' });
  private readonly dnd = element('input', {
    type: 'checkbox',
    id: 'do-not-disturb',
    'aria-describedby': 'dnd-hint dnd-state',
  });
  private readonly dndLabel = element('label', { for: 'do-not-disturb' });
  private readonly durationLabel = element('label', { for: 'dnd-duration' });
  private readonly duration = element('select', { id: 'dnd-duration' });
  private readonly dndHint = element('p', { class: 'hint', id: 'dnd-hint' });
  private readonly dndState = element('p', { class: 'hint', id: 'dnd-state', role: 'status' });
  private readonly blockedHeading = element('h3', { id: 'blocked-title' });
  private readonly blockedList = element('div');
  private readonly blockLabel = element('label', { for: 'block-account' });
  private readonly blockInput = element('input', {
    id: 'block-account',
    autocomplete: 'off',
    autocapitalize: 'none',
    spellcheck: 'false',
    maxlength: '32',
  });
  private readonly blockButton = element('button', { type: 'submit', class: 'secondary' });
  private readonly noticeLine = element('p', { class: 'hint', role: 'status' });
  private readonly listeners: ((settings: PrivacySettingsDto) => void)[] = [];

  constructor(
    root: HTMLElement,
    private readonly translator: Translator,
  ) {
    const form = element(
      'form',
      { class: 'block-form', novalidate: true },
      this.blockLabel,
      element('div', { class: 'dial-row' }, this.blockInput, this.blockButton),
    );
    root.setAttribute('aria-labelledby', this.heading.id);
    root.replaceChildren(
      this.heading,
      element('div', { class: 'field' }, this.whoLabel, this.who, this.whoHint),
      element('div', { class: 'check' }, this.dnd, this.dndLabel),
      element('div', { class: 'field' }, this.durationLabel, this.duration),
      this.dndHint,
      this.dndState,
      this.blockedHeading,
      this.blockedList,
      form,
      this.noticeLine,
    );
    this.who.addEventListener('change', () => {
      void this.save({ whoCanRing: this.who.value });
    });
    this.dnd.addEventListener('change', () => void this.saveDoNotDisturb());
    this.duration.addEventListener('change', () => {
      if (this.dnd.checked) {
        void this.saveDoNotDisturb();
      }
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.blockTyped();
    });
    translator.onChange(() => this.render());
    this.render();
  }

  /** Told the settings each time they are known anew (the header shows do-not-disturb). */
  onChange(listener: (settings: PrivacySettingsDto) => void): void {
    this.listeners.push(listener);
  }

  async refresh(): Promise<void> {
    try {
      const [settings, blocked] = await Promise.all([
        getJson<PrivacySettingsDto>('/privacy'),
        getJson<ListedAccountDto[]>('/blocks'),
      ]);
      this.show(settings);
      this.blocked = blocked;
    } catch (error) {
      console.warn('privacy settings unavailable', error);
    }
    this.render();
  }

  /** The blocked list changed elsewhere on the page (a Block button among the contacts). */
  async refreshBlocked(): Promise<void> {
    try {
      this.blocked = await getJson<ListedAccountDto[]>('/blocks');
    } catch (error) {
      console.warn('blocked accounts unavailable', error);
    }
    this.render();
  }

  private saveDoNotDisturb(): Promise<void> {
    const minutes = Number(this.duration.value);
    const until = this.dnd.checked && minutes > 0 ? new Date(Date.now() + minutes * 60_000) : null;
    return this.save({
      doNotDisturb: this.dnd.checked,
      ...(this.dnd.checked ? { doNotDisturbUntil: until?.toISOString() ?? null } : {}),
    });
  }

  private async save(change: Record<string, unknown>): Promise<void> {
    const reply = await sendJson<PrivacySettingsDto>('PATCH', '/privacy', change);
    if (reply.ok && reply.body) {
      this.show(reply.body);
      this.notice = undefined;
    } else {
      this.notice = { key: refusalKey(reply) };
    }
    this.render();
  }

  private async blockTyped(): Promise<void> {
    const typed = this.blockInput.value.trim();
    const username = normalizeUsername(typed);
    if (!username) {
      this.notice = { key: 'noSuchAccount', name: typed };
      return this.render();
    }
    const reply = await sendJson('POST', '/blocks', { username });
    if (!reply.ok) {
      this.notice = { key: reply.status === 400 ? 'notYourself' : refusalKey(reply), name: typed };
      return this.render();
    }
    this.blockInput.value = '';
    this.notice = undefined;
    await this.refreshBlocked();
  }

  private async unblock(entry: ListedAccountDto): Promise<void> {
    const reply = await sendJson('DELETE', `/blocks/${encodeURIComponent(entry.username)}`);
    if (!reply.ok) {
      this.notice = { key: refusalKey(reply), name: entry.displayName };
      return this.render();
    }
    await this.refreshBlocked();
  }

  /** Settings as the server has them; do-not-disturb with an end turns itself off on screen too. */
  private show(settings: PrivacySettingsDto): void {
    this.settings = settings;
    clearTimeout(this.endTimer);
    if (settings.doNotDisturbUntil) {
      const left = Date.parse(settings.doNotDisturbUntil) - Date.now();
      this.endTimer = window.setTimeout(() => void this.refresh(), Math.max(0, left) + 1000);
    }
    for (const listener of this.listeners) {
      listener(settings);
    }
  }

  private render(): void {
    const t = (key: PrivacyKey, values?: Record<string, string>) =>
      privacyText(this.translator.locale, key, values);
    this.heading.textContent = t('privacyTitle');
    this.whoLabel.textContent = t('whoCanRing');
    this.whoHint.textContent = t('whoCanRingHint');
    this.who.replaceChildren(
      element('option', { value: 'everyone', text: t('ringEveryone') }),
      element('option', { value: 'contacts', text: t('ringContacts') }),
    );
    this.dndLabel.textContent = t('doNotDisturb');
    this.durationLabel.textContent = t('doNotDisturbFor');
    const chosen = this.duration.value;
    this.duration.replaceChildren(
      ...DURATIONS.map(({ minutes, key }) =>
        element('option', { value: String(minutes), text: t(key) }),
      ),
    );
    this.duration.value = chosen || '0';
    this.dndHint.textContent = t('doNotDisturbHint');
    const settings = this.settings;
    this.who.disabled = this.dnd.disabled = settings === undefined;
    if (settings) {
      this.who.value = settings.whoCanRing;
      this.dnd.checked = settings.doNotDisturb;
    }
    this.dndState.textContent = !settings?.doNotDisturb
      ? ''
      : settings.doNotDisturbUntil
        ? t('doNotDisturbOnUntil', { time: this.time(settings.doNotDisturbUntil) })
        : t('doNotDisturbOn');
    this.blockedHeading.textContent = t('blockedTitle');
    this.blockedList.replaceChildren(
      this.blocked.length === 0
        ? element('p', { class: 'hint', text: t('blockedEmpty') })
        : element(
            'ul',
            { class: 'contact-list', 'aria-labelledby': this.blockedHeading.id },
            ...this.blocked.map((entry) =>
              element(
                'li',
                { 'data-username': entry.username },
                accountLabel(entry),
                actionButton(
                  t('unblock'),
                  t('unblockNamed', { name: entry.displayName }),
                  'secondary',
                  () => void this.unblock(entry),
                ),
              ),
            ),
          ),
    );
    this.blockLabel.textContent = t('blockByUsername');
    this.blockInput.placeholder = t('addContactPlaceholder');
    this.blockButton.textContent = t('blockAccount');
    this.noticeLine.textContent = this.notice
      ? t(this.notice.key, { name: this.notice.name ?? '' })
      : '';
  }

  private time(iso: string): string {
    return shortTime(new Date(iso), this.translator.locale);
  }
}
