import assert from 'node:assert/strict';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The opening tag of the form control with this id (values are escaped, so no stray `>`). */
function control(html: string, id: string): string {
  const tag = new RegExp(`<(input|select|textarea)\\b[^>]*\\bid="${escapeRegExp(id)}"[^>]*>`);
  const match = tag.exec(html);
  assert.ok(match, `no form control with id="${id}"`);
  return match[0];
}

/** A visible <label> with exactly this text, tied by `for` to an existing form control. */
export function assertLabelledField(html: string, label: string): void {
  const match = new RegExp(
    `<label\\b[^>]*\\bfor="([^"]+)"[^>]*>\\s*${escapeRegExp(label)}\\s*</label>`,
  ).exec(html);
  assert.ok(match, `no <label for=...>${label}</label>`);
  control(html, match[1]);
}

/** The field's error is shown right by it and announced: aria-invalid plus aria-describedby. */
export function assertFieldError(html: string, field: string, message: RegExp): void {
  const error = new RegExp(`<[a-z]+\\b[^>]*\\bid="${field}-error"[^>]*>([^<]*)<`).exec(html);
  assert.ok(error, `no inline error for ${field}`);
  assert.match(error[1], message);
  const input = control(html, field);
  assert.match(input, /aria-invalid="true"/);
  assert.match(input, new RegExp(`aria-describedby="[^"]*\\b${field}-error\\b`));
}

export function assertNoFieldError(html: string, field: string): void {
  assert.doesNotMatch(html, new RegExp(`id="${field}-error"`));
  assert.doesNotMatch(control(html, field), /aria-invalid/);
}
