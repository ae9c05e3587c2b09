import type { Translator } from '../i18n/translator.js';

/**
 * Registers /sw.js (scope /) in the page's language: it shows the call notifications and the
 * offline page in that language, so a language switch registers it again. Registering asks the
 * user nothing; turning on push does, and only after a click (PushToggle).
 */
export function registerServiceWorker(
  translator: Translator,
): Promise<ServiceWorkerRegistration> | undefined {
  if (!('serviceWorker' in navigator)) {
    return undefined;
  }
  const register = () =>
    navigator.serviceWorker.register(`/sw.js?lang=${encodeURIComponent(translator.locale)}`, {
      scope: '/',
    });
  translator.onChange(() => void register().catch(() => undefined));
  const registered = register();
  registered.catch((error: unknown) => console.warn('service worker not registered', error));
  return registered;
}
