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

/** What went wrong, and at which field (its `name`): shown there, as the login form does. */
class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
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
        throw this.refusal(reply, 'displayName');
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
        throw this.refusal(reply, 'currentPassword');
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
        throw this.refusal(reply, 'password');
      }
      location.assign('/login?deleted=1'); // the login page says the account is gone
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
      clearFieldErrors(form); // old messages go: only this answer's stay
      status.textContent = this.text('saving');
      void submit(new FormData(form), form)
        .catch((error: unknown) => {
          if (error instanceof FieldError) {
            showFieldError(form, error);
            return '';
          }
          return this.text('actionFailed');
        })
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
   * A 400 carries the server's own words per field (a weak password's reason is in the page's
   * language); other refusals (a wrong password, too many tries) have a sentence here, shown at
   * the form's `field`.
   */
  private refusal(reply: JsonReply<unknown>, field: string): FieldError {
    const body = reply.body as Refusal | undefined;
    const [named] = Object.entries(body?.errors ?? {}).filter(([, problems]) => problems.length);
    if (reply.status === 400 && named) {
      return new FieldError(named[0], named[1].join(' '));
    }
    return new FieldError(field, this.text(refusalKey(reply), { name: '' }));
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

/** Removes every error shown in `form`: the red text, `aria-invalid`, the description. */
function clearFieldErrors(form: HTMLFormElement): void {
  for (const message of form.querySelectorAll('.error')) {
    const input = form.querySelector(`[aria-describedby~="${message.id}"]`);
    input?.removeAttribute('aria-invalid');
    const rest = (input?.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter((id) => id && id !== message.id);
    if (rest.length > 0) {
      input?.setAttribute('aria-describedby', rest.join(' '));
    } else {
      input?.removeAttribute('aria-describedby');
    }
    message.remove();
  }
}

/** The error under its field, the field marked invalid and described by it, and focused. */
function showFieldError(form: HTMLFormElement, { field: name, message }: FieldError): void {
  const input = form.querySelector<HTMLInputElement>(`input[name="${name}"]:not([type="hidden"])`);
  if (!input) {
    return;
  }
  const error = document.createElement('p');
  error.className = 'error';
  error.id = `${input.id}-error`;
  error.setAttribute('role', 'alert');
  error.textContent = message;
  const field = input.closest('.field');
  if (field) {
    field.append(error);
  } else {
    input.after(error);
  }
  input.setAttribute('aria-invalid', 'true');
  const described = input.getAttribute('aria-describedby');
  input.setAttribute('aria-describedby', described ? `${described} ${error.id}` : error.id);
  input.focus();
}
