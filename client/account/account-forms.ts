import type { LoginResponseDto } from '../../src/auth/dto/login.dto.js';
import type { Locale } from '../../src/i18n/locale.js';
import type { PrivacyKey } from '../../src/i18n/translation.js';
import { byId } from '../dom.js';
import { type JsonReply, sendJson } from '../http.js';
import { privacyText, refusalKey } from '../contacts/privacy-text.js';

interface Refusal {
  message?: string;
  errors?: Record<string, string[]>;
}

/**
 * The account page's three forms: each sends its request, says in its own status line what
 * happened, and keeps the page usable whatever the answer.
 */
export class AccountForms {
  constructor(private readonly locale: Locale) {}

  start(): void {
    this.form('name-form', 'name-status', async (fields) => {
      const displayName = text(fields, 'displayName');
      const reply = await sendJson<LoginResponseDto['user']>('PATCH', '/users/me', {
        displayName,
      });
      if (!reply.ok || !reply.body) {
        return this.refusal(reply);
      }
      const { displayName: saved, username } = reply.body;
      byId('signed-in-as', HTMLElement).textContent = this.text('signedInAs', {
        name: saved,
        username,
      });
      return this.text('displayNameSaved', { name: saved });
    });
    this.form('password-form', 'password-status', async (fields, form) => {
      const reply = await sendJson('POST', '/users/me/password', {
        currentPassword: text(fields, 'currentPassword'),
        newPassword: text(fields, 'newPassword'),
      });
      if (!reply.ok) {
        return this.refusal(reply);
      }
      form.reset(); // the server set a new login cookie: this page carries on
      return this.text('passwordChanged');
    });
    this.form('delete-form', 'delete-status', async (fields) => {
      if (!window.confirm(this.text('deleteConfirm'))) {
        return '';
      }
      const reply = await sendJson('DELETE', '/users/me', {
        password: text(fields, 'password'),
      });
      if (!reply.ok) {
        return this.refusal(reply);
      }
      location.assign('/login');
      return '';
    });
  }

  /** Wires a form: submitting runs `submit`, whose sentence goes into the status line. */
  private form(
    formId: string,
    statusId: string,
    submit: (fields: FormData, form: HTMLFormElement) => Promise<string>,
  ): void {
    const form = byId(formId, HTMLFormElement);
    const status = byId(statusId, HTMLElement);
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (button) {
        button.disabled = true;
      }
      status.textContent = this.text('saving');
      void submit(new FormData(form), form)
        .catch(() => this.text('actionFailed'))
        .then((sentence) => {
          status.textContent = sentence;
        })
        .finally(() => {
          if (button) {
            button.disabled = false;
          }
        });
    });
  }

  /**
   * A 400 carries the server's own words (a weak password's reason is in the page's language);
   * other refusals have a sentence here.
   */
  private refusal(reply: JsonReply<unknown>): string {
    const body = reply.body as Refusal | undefined;
    const problems = Object.values(body?.errors ?? {}).flat();
    if (reply.status === 400 && problems.length > 0) {
      return problems.join(' ');
    }
    return this.text(refusalKey(reply), { name: '' });
  }

  private text(key: PrivacyKey, values?: Record<string, string>): string {
    return privacyText(this.locale, key, values);
  }
}

/** A text field of a form ('' when it is missing). */
function text(fields: FormData, name: string): string {
  const value = fields.get(name);
  return typeof value === 'string' ? value : '';
}
