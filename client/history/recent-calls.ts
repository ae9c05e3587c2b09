import type { CallHistoryEntryDto } from '../../src/calls/dto/call-history.dto.js';
import { getJson } from '../http.js';
import type { Translator } from '../i18n/translator.js';

const SHOWN_CALLS = 20;

/** Recent calls from `GET /calls`, missed ones marked; each entry calls that person back. */
export class RecentCalls {
  private entries: CallHistoryEntryDto[] | undefined;
  private failed = false;

  constructor(
    private readonly list: HTMLUListElement,
    private readonly emptyNote: HTMLElement,
    private readonly translator: Translator,
    private readonly callBack: (peer: string) => void,
  ) {
    translator.onChange(() => this.render());
  }

  async refresh(): Promise<void> {
    try {
      this.entries = await getJson<CallHistoryEntryDto[]>(`/calls?limit=${SHOWN_CALLS}`);
      this.failed = false;
    } catch (error) {
      console.warn('recent calls unavailable', error);
      this.failed = true;
    }
    this.render();
  }

  private render(): void {
    const entries = this.entries ?? [];
    const note = this.failed ? 'recentUnavailable' : 'noRecentCalls';
    this.emptyNote.hidden = entries.length > 0 && !this.failed;
    this.emptyNote.dataset.i18n = note;
    this.emptyNote.textContent = this.translator.text({ key: note });
    this.list.replaceChildren(...entries.map((entry) => this.item(entry)));
  }

  private item(entry: CallHistoryEntryDto): HTMLLIElement {
    const t = (key: 'missed' | 'incoming' | 'outgoing'): string => this.translator.text({ key });
    const when = new Date(entry.startedAt).toLocaleString(this.translator.locale, {
      dateStyle: 'short',
      timeStyle: 'short',
    });
    const kind = entry.missed ? t('missed') : t(entry.direction);
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'recent-call';
    button.dataset.missed = String(entry.missed);
    button.setAttribute(
      'aria-label',
      `${this.translator.text({ key: 'callPeer', values: { peer: entry.peer } })} (${kind}, ${when})`,
    );
    const peer = document.createElement('span');
    peer.className = 'recent-peer';
    peer.textContent = entry.peer;
    const detail = document.createElement('span');
    detail.className = 'recent-detail';
    detail.textContent = `${kind} · ${when}`;
    button.append(peer, detail);
    button.addEventListener('click', () => this.callBack(entry.peer));
    const item = document.createElement('li');
    item.append(button);
    return item;
  }
}
