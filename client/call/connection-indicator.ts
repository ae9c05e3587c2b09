import { byId } from '../dom.js';
import type { Sentence, Translator } from '../i18n/translator.js';
import type { ConnectionState } from '../signaling/signaling-client.js';

const TICK_MS = 250;

/**
 * The connection to the server, top right: a live region that says the state once (Online,
 * Connection to the server lost…), and beside it, outside the live region so that it is not read
 * out every second, a countdown to the next attempt with "Retry now".
 */
export class ConnectionIndicator {
  private readonly text = byId('connection', HTMLElement);
  private readonly reconnect = byId('reconnect', HTMLElement);
  private readonly countdown = byId('reconnect-countdown', HTMLElement);
  readonly retryButton = byId('retry-button', HTMLButtonElement);
  private state: ConnectionState = { kind: 'connecting' };
  /** Do-not-disturb as the privacy settings say: false, true (until turned off), or its end. */
  private doNotDisturb: boolean | Date = false;
  private timer: number | undefined;

  constructor(private readonly translator: Translator) {
    translator.onChange(() => this.set(this.state));
  }

  /**
   * Online with do-not-disturb on, the header says so (and until when) instead of "Online": the
   * reason nobody's calls ring here.
   */
  setDoNotDisturb(doNotDisturb: boolean | Date): void {
    this.doNotDisturb = doNotDisturb;
    this.set(this.state);
  }

  set(state: ConnectionState): void {
    this.state = state;
    const away = state.kind === 'online' && this.doNotDisturb !== false;
    this.text.dataset.state = state.kind; // the connection's own state, whatever is shown
    this.text.dataset.doNotDisturb = String(away);
    this.text.textContent = this.translator.text(
      away ? this.doNotDisturbSentence() : sentenceFor(state),
    );
    clearInterval(this.timer);
    this.timer = undefined;
    this.reconnect.hidden = state.kind !== 'waiting';
    if (state.kind === 'waiting') {
      const tick = (): void => {
        const seconds = Math.max(1, Math.ceil((state.retryAt - Date.now()) / 1000));
        this.countdown.textContent = this.translator.text({
          key: 'reconnectIn',
          values: { seconds },
        });
      };
      tick();
      this.timer = window.setInterval(tick, TICK_MS);
    }
  }

  private doNotDisturbSentence(): Sentence {
    const until = this.doNotDisturb;
    return until instanceof Date
      ? {
          key: 'connectionDoNotDisturbUntil',
          values: { time: shortTime(until, this.translator.locale) },
        }
      : { key: 'connectionDoNotDisturb' };
  }
}

/** "18:30" today, or with the date when it is another day, in the page's language. */
export function shortTime(at: Date, locale: string): string {
  const sameDay = at.toDateString() === new Date().toDateString();
  return at.toLocaleString(locale, {
    ...(sameDay ? {} : { month: 'short', day: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
  });
}

function sentenceFor(state: ConnectionState): Sentence {
  switch (state.kind) {
    case 'connecting':
      return { key: 'connectionConnecting' };
    case 'online':
      return { key: 'connectionOnline' };
    case 'waiting':
      return { key: 'connectionLost' };
    case 'replaced':
      return { key: 'statusReplaced' };
  }
}
