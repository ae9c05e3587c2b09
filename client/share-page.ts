// The share page (/u/:username): "Ask to be a contact". Served as public/js/share-page.js.
import { DEFAULT_LOCALE, matchLocale, TRANSLATIONS } from '../src/i18n/locale.js';
import { sendJson } from './http.js';

const ask = document.getElementById('share-ask');
const result = document.getElementById('share-result');
if (ask instanceof HTMLButtonElement && result) {
  const t = TRANSLATIONS[matchLocale(document.documentElement.lang) ?? DEFAULT_LOCALE].ui;
  ask.addEventListener('click', () => {
    ask.disabled = true;
    void sendJson('POST', '/contacts', { username: ask.dataset.username }).then(({ ok }) => {
      result.textContent = ok ? t.shareAsked : t.shareAskFailed;
      ask.disabled = ok;
    });
  });
}
