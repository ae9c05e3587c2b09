import type { ServerMessage } from '../../src/signaling/protocol.js';
import type { Sentence } from '../i18n/translator.js';

/** How long after the welcome a ringing call is waited for before the page says it is gone. */
const RING_WAIT_MS = 4000;
const CALL_ID = /^[0-9a-f-]{36}$/i;

/**
 * The page opened by a notification's Accept (`?answer=<callId>`): that call is answered as soon
 * as it rings here, without a second click (the camera prompt comes as usual). A call that is no
 * longer ringing by then says so, instead of leaving the user wondering.
 */
export class AnswerFromNotification {
  private callId: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly deps: {
      accept: () => boolean;
      idle: () => boolean;
      setStatus: (sentence: Sentence) => void;
    },
  ) {
    const url = new URL(location.href);
    const callId = url.searchParams.get('answer');
    if (callId && CALL_ID.test(callId)) {
      this.callId = callId;
    }
    // A reload must not answer again.
    url.searchParams.delete('answer');
    history.replaceState(history.state, '', url);
  }

  /** Called after the call controller has seen each message. */
  handle(message: ServerMessage): void {
    if (!this.callId) {
      return;
    }
    if (message.type === 'call_start' && message.callId === this.callId) {
      this.done();
      this.deps.accept();
    } else if (message.type === 'welcome' && this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.done();
        if (this.deps.idle()) {
          this.deps.setStatus({ key: 'callNoLongerRinging' });
        }
      }, RING_WAIT_MS);
    }
  }

  private done(): void {
    this.callId = undefined;
    clearTimeout(this.timer);
  }
}
