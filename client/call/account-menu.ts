import { byId } from '../dom.js';

/**
 * The top bar's account menu. From 60rem its items stand in the bar and the button is not shown
 * (call.css); below, the button opens them under the bar, so that a phone's top bar stays one row.
 * Escape, a click elsewhere or following an item closes it.
 */
export function startAccountMenu(): void {
  const button = byId('menu-button', HTMLButtonElement);
  const menu = byId('account-menu', HTMLElement);
  const set = (open: boolean): void => {
    button.setAttribute('aria-expanded', String(open));
    menu.dataset.open = String(open);
  };
  set(false);
  button.addEventListener('click', () => set(button.getAttribute('aria-expanded') !== 'true'));
  menu.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && menu.dataset.open === 'true') {
      set(false);
      button.focus();
    }
  });
  document.addEventListener('pointerdown', (event) => {
    if (!menu.contains(event.target as Node)) {
      set(false);
    }
  });
  for (const link of menu.querySelectorAll('a')) {
    link.addEventListener('click', () => set(false));
  }
}
