/**
 * The call's keyboard shortcuts. Each needs a modifier pair nobody types in a text field, so a
 * shortcut works wherever focus is (even mid-word in the friend field) and typing never triggers
 * one; Escape is the exception, for declining. `keys` is in aria-keyshortcuts syntax and is also
 * what the buttons' titles show.
 */
export interface Shortcut {
  readonly keys: string;
  matches(event: KeyboardEvent): boolean;
}

/** Alt+Shift+<letter>, by physical key: Option+Shift on a Mac types a symbol, not the letter. */
function altShift(letter: string): Shortcut {
  return {
    keys: `Alt+Shift+${letter}`,
    matches: (event) =>
      event.altKey &&
      event.shiftKey &&
      !event.ctrlKey &&
      !event.metaKey &&
      event.code === `Key${letter}`,
  };
}

export const SHORTCUTS = {
  accept: altShift('A'),
  reject: {
    keys: 'Escape',
    matches: (event: KeyboardEvent) =>
      event.key === 'Escape' &&
      !event.altKey &&
      !event.shiftKey &&
      !event.ctrlKey &&
      !event.metaKey,
  },
  microphone: altShift('M'),
  camera: altShift('C'),
  fullscreen: altShift('F'),
  pictureInPicture: altShift('P'),
} satisfies Record<string, Shortcut>;

export type ShortcutName = keyof typeof SHORTCUTS;

/** Calls the action of the first shortcut `event` matches; the key then does nothing else. */
export function listenForShortcuts(actions: Record<ShortcutName, () => boolean>): void {
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.repeat) {
      return; // e.g. Escape already closed the suggestions list
    }
    for (const [name, shortcut] of Object.entries(SHORTCUTS)) {
      if (shortcut.matches(event) && actions[name as ShortcutName]()) {
        event.preventDefault();
        return;
      }
    }
  });
}
