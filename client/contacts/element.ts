type Child = Node | string;

/**
 * A new element with attributes (`text` sets its text; `false` or undefined leaves an attribute
 * out) and children: the contacts panel builds its lists with it.
 */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'text' && typeof value === 'string') {
      node.textContent = value;
    } else if (value === true) {
      node.setAttribute(name, '');
    } else if (typeof value === 'string') {
      node.setAttribute(name, value);
    }
  }
  node.append(...children);
  return node;
}

/** A small button whose accessible name says what it acts on ("Call Bob", shown as "Call"). */
export function actionButton(
  text: string,
  label: string,
  className: string,
  onClick: () => void,
): HTMLButtonElement {
  const button = element('button', { type: 'button', class: `small ${className}`, text });
  button.setAttribute('aria-label', label);
  button.dataset.focusKey = label;
  button.addEventListener('click', onClick);
  return button;
}

/** "Bob Builder @bob · online" (the state only when given). */
export function accountLabel(
  entry: { username: string; displayName: string },
  state?: string,
): HTMLElement {
  return element(
    'span',
    { class: 'contact-who' },
    element('span', { class: 'contact-name', text: entry.displayName }),
    ' ',
    element('span', { class: 'contact-account', text: `@${entry.username}` }),
    ...(state ? [' ', element('span', { class: 'contact-state', text: `· ${state}` })] : []),
  );
}
