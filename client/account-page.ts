// The account page (/account): display name, password, data download, deletion. Served as
// public/js/account-page.js.
import { DEFAULT_LOCALE, matchLocale } from '../src/i18n/locale.js';
import { AccountForms } from './account/account-forms.js';
import { PushDevices } from './account/push-devices.js';
import { byId } from './dom.js';

const page = byId('account-page', HTMLElement);
const locale = matchLocale(page.dataset.locale) ?? DEFAULT_LOCALE;
new AccountForms(locale).start();
void new PushDevices(
  byId('push-devices', HTMLUListElement),
  byId('push-devices-status', HTMLElement),
  locale,
).refresh();
