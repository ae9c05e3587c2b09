import { TRANSLATIONS } from '../../src/i18n/locale.js';
import { format, type Placeholders, type VerifyKey } from '../../src/i18n/translation.js';
import { element } from '../contacts/element.js';
import type { Translator } from '../i18n/translator.js';
import type { SasEmoji } from './sas-emoji.js';

/** What the panel shows; `data-verify-state` on the panel carries the kind, for tests and CSS. */
export type VerifyView =
  | { kind: 'hidden' }
  | { kind: 'waiting'; peer: string }
  | {
      kind: 'code';
      peer: string;
      emoji: readonly SasEmoji[];
      standing: 'verified' | 'new-device' | 'unverified' | 'just-verified';
    }
  | { kind: 'warning'; peer: string; key: 'verifyMismatchWarning' | 'verifyPeerMismatch' }
  | { kind: 'failed'; key: 'verifyFailed' | 'verifyUnavailable' };

const STANDING_KEYS = {
  verified: 'verifyVerified',
  'new-device': 'verifyNewDevice',
  unverified: 'verifyUnverified',
  'just-verified': 'verifyJustVerified',
} as const satisfies Record<string, VerifyKey>;

export interface VerifyPanelActions {
  match(): void;
  mismatch(): void;
}

/**
 * The Verify control of the call page (built here into #verify-panel): the standing with this
 * contact, and on demand the four pictures with their names and the Match / Doesn't match buttons.
 */
export class VerifyPanel {
  private view: VerifyView = { kind: 'hidden' };
  private readonly title = element('h2', { id: 'verify-title', class: 'verify-title' });
  private readonly standing = element('p', { id: 'verify-standing', role: 'status' });
  private readonly toggle = element('button', {
    type: 'button',
    id: 'verify-button',
    class: 'secondary small',
    'aria-expanded': 'false',
    'aria-controls': 'verify-details',
  });
  private readonly howTo = element('p', { class: 'hint' });
  private readonly code = element('ol', { id: 'verify-code', class: 'sas' });
  private readonly question = element('p', { class: 'verify-question' });
  private readonly matchButton = element('button', { type: 'button', class: 'ok' });
  private readonly mismatchButton = element('button', { type: 'button', class: 'danger' });
  private readonly details = element(
    'div',
    { id: 'verify-details', class: 'verify-details', hidden: true },
    this.howTo,
    this.code,
    this.question,
    element('div', { class: 'verify-actions' }, this.matchButton, this.mismatchButton),
  );
  /** An alert is announced at once: the person must hear it even while looking at the video. */
  private readonly warning = element('p', {
    id: 'verify-warning',
    class: 'verify-warning',
    role: 'alert',
  });

  constructor(
    private readonly panel: HTMLElement,
    private readonly translator: Translator,
    actions: VerifyPanelActions,
  ) {
    panel.setAttribute('aria-labelledby', 'verify-title');
    panel.append(
      element('div', { class: 'verify-head' }, this.title, this.standing, this.toggle),
      this.details,
      this.warning,
    );
    this.toggle.addEventListener('click', () =>
      this.expand(this.toggle.getAttribute('aria-expanded') !== 'true'),
    );
    this.matchButton.addEventListener('click', () => actions.match());
    this.mismatchButton.addEventListener('click', () => actions.mismatch());
    translator.onChange(() => this.render());
    this.render();
  }

  show(view: VerifyView): void {
    if (view.kind === 'hidden' || this.view.kind === 'hidden') {
      this.expand(false); // every call starts folded
    }
    this.view = view;
    this.render();
  }

  private expand(open: boolean): void {
    this.details.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
  }

  private text(key: VerifyKey, values?: Placeholders): string {
    return format(TRANSLATIONS[this.translator.locale].verify[key], values);
  }

  private render(): void {
    const view = this.view;
    this.panel.hidden = view.kind === 'hidden';
    this.panel.dataset.verifyState = view.kind === 'code' ? view.standing : view.kind;
    this.title.textContent = this.text('verifyTitle');
    this.toggle.textContent = this.text('verifyButton');
    this.howTo.textContent = this.text('verifyHowTo');
    this.matchButton.textContent = this.text('verifyMatch');
    this.mismatchButton.textContent = this.text('verifyMismatch');
    this.code.setAttribute('aria-label', this.text('verifyCode'));

    const peer = 'peer' in view ? view.peer : '';
    this.standing.textContent =
      view.kind === 'waiting'
        ? this.text('verifyWaiting', { peer })
        : view.kind === 'code'
          ? this.text(STANDING_KEYS[view.standing], { peer })
          : '';
    this.toggle.hidden = view.kind !== 'code';
    if (view.kind !== 'code') {
      this.expand(false);
    }
    this.showCode(view.kind === 'code' ? view.emoji : []);
    this.question.textContent = this.text('verifyQuestion', { peer });
    // Once confirmed, Match has nothing left to do; "Doesn't match" can still end the call.
    this.matchButton.hidden =
      view.kind === 'code' && view.standing !== 'unverified' && view.standing !== 'new-device';

    const warning = view.kind === 'warning' || view.kind === 'failed' ? view.key : undefined;
    this.warning.hidden = warning === undefined;
    this.warning.textContent = warning ? this.text(warning, { peer }) : '';
  }

  private showCode(emoji: readonly SasEmoji[]): void {
    const locale = this.translator.locale;
    if (emoji.length) {
      this.code.dataset.sas = emoji.map((entry) => entry.emoji).join(' ');
    } else {
      delete this.code.dataset.sas;
    }
    this.code.replaceChildren(
      ...emoji.map((entry) =>
        element(
          'li',
          {},
          element('span', { class: 'sas-emoji', 'aria-hidden': 'true', text: entry.emoji }),
          element('span', { class: 'sas-name', text: entry[locale] }),
        ),
      ),
    );
  }
}
