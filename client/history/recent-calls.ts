import type { RecentCallDto } from '../../src/calls/dto/call-history.dto.js';
import { formatCallDuration } from '../call/duration.js';
import { getJson } from '../http.js';
import type { Translator } from '../i18n/translator.js';
import { type CallGroup, groupCalls } from './call-outcome.js';

const FETCHED_CALLS = 50;
const SHOWN_LINES = 20;

/**
 * Recent calls from `GET /calls`: who (display name), what happened (connected and for how long,
 * missed, declined, no answer…), repeats grouped; each line calls that person back in one click.
 */
export class RecentCalls {
  private entries: RecentCallDto[] | undefined;
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
      this.entries = await getJson<RecentCallDto[]>(`/calls?limit=${FETCHED_CALLS}`);
      this.failed = false;
    } catch (error) {
      console.warn('recent calls unavailable', error);
      this.failed = true;
    }
    this.render();
  }

  private render(): void {
    const groups = groupCalls(this.entries ?? []).slice(0, SHOWN_LINES);
    const note = this.failed ? 'recentUnavailable' : 'noRecentCalls';
    this.emptyNote.hidden = groups.length > 0 && !this.failed;
    this.emptyNote.dataset.i18n = note;
    this.emptyNote.textContent = this.translator.text({ key: note });
    this.list.replaceChildren(...groups.map((group) => this.item(group)));
  }

  /** "3 missed", "Declined", "Outgoing · 01:42". */
  private summary(group: CallGroup): string {
    const t = this.translator;
    const outcome = t.text({ key: group.outcome });
    const what =
      group.count === 1
        ? outcome
        : group.outcome === 'missed'
          ? t.text({ key: 'missedGroup', values: { count: group.count } })
          : t.text({ key: 'repeatedOutcome', values: { outcome, count: group.count } });
    return group.durationMs === undefined
      ? what
      : `${what} · ${formatCallDuration(group.durationMs)}`;
  }

  private when(startedAt: string): string {
    const date = new Date(startedAt);
    const today = date.toDateString() === new Date().toDateString();
    return date.toLocaleString(
      this.translator.locale,
      today ? { timeStyle: 'short' } : { dateStyle: 'short', timeStyle: 'short' },
    );
  }

  private item(group: CallGroup): HTMLLIElement {
    const { latest } = group;
    const summary = this.summary(group);
    const when = this.when(latest.startedAt);
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'recent-call';
    button.dataset.outcome = group.outcome;
    // The accessible name is the visible text after a hidden "Call", so that what a speech user
    // reads out is what they can say: "Call Bob Builder @bob 3 missed · 14:02".
    const verb = document.createElement('span');
    verb.className = 'visually-hidden';
    verb.textContent = `${this.translator.text({ key: 'call' })} `;
    const name = document.createElement('span');
    name.className = 'recent-peer';
    name.textContent = latest.peerDisplayName;
    if (latest.peerDisplayName !== latest.peer) {
      const account = document.createElement('span');
      account.className = 'recent-account';
      account.textContent = ` @${latest.peer}`;
      name.append(account);
    }
    const detail = document.createElement('span');
    detail.className = 'recent-detail';
    const outcome = document.createElement('span');
    outcome.className = 'recent-outcome';
    outcome.textContent = summary;
    detail.append(outcome, ` · ${when}`);
    button.append(verb, name, ' ', detail);
    button.addEventListener('click', () => this.callBack(latest.peer));
    const item = document.createElement('li');
    item.append(button);
    return item;
  }
}
