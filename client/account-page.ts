// The account page (/account): display name, password, data download, deletion. Served as
// public/js/account-page.js.
import { DEFAULT_LOCALE, matchLocale } from '../src/i18n/locale.js';
import { AccountForms } from './account/account-forms.js';
import { byId } from './dom.js';

const page = byId('account-page', HTMLElement);
new AccountForms(matchLocale(page.dataset.locale) ?? DEFAULT_LOCALE).start();
