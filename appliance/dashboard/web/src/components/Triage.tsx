import { useState } from 'react';
import type { AlertState, LabelName, ListName, SubjectKind, TriageResult } from '../../../api/index';
import { api } from '../api';

const EXPIRIES: [string, number | null][] = [
  ['never expires', null],
  ['1 day', 86_400],
  ['7 days', 7 * 86_400],
  ['30 days', 30 * 86_400],
];

type Range = { range?: string; from?: number; to?: number };

/** Told, after a decision was saved, what it was (“203.0.113.7 allow-listed: done”). */
export type Decided = (said: string) => void;

/**
 * The calls behind the buttons: each says how it went in `said`, then tells the page, which
 * reloads. The page is told what was done because its reload may drop this row (an allow-listed
 * address leaves the anomalies list) and this component with it.
 */
function useDecisions(ip: string, range: Range, note: string, expiry: number, onDone: Decided) {
  const [said, setSaid] = useState('');
  const run = async (what: string, call: () => Promise<unknown>) => {
    try {
      await call();
      setSaid(`${what}: done`);
      onDone(`${ip} ${what}: done`);
    } catch (e) {
      setSaid(`${what}: ${(e as Error).message}`);
    }
  };
  const state = (s: AlertState) => () =>
    run(s.replace('_', ' '), () =>
      api.post<TriageResult>('/api/alerts/state', { ...range, src_ip: ip, state: s, note }),
    );
  const label = (l: LabelName) => () =>
    run(l.replace('_', ' '), () =>
      api.post<TriageResult>('/api/labels', { ...range, src_ip: ip, label: l, note }),
    );
  const list =
    (name: ListName, kind: SubjectKind = 'ip') =>
    () => {
      const secs = EXPIRIES[expiry][1];
      const expires_at = secs === null ? null : Math.floor(Date.now() / 1000) + secs;
      return run(`${name}-listed`, () =>
        api.post('/api/lists', { list: name, subject_kind: kind, subject: ip, note, expires_at }),
      );
    };
  return { said, state, label, list };
}

/**
 * An analyst's decisions on one flagged address: acknowledge, resolve, mark false positive or
 * confirmed (labels), and allow- or deny-list it (with an expiry). Each asks for a note, is
 * audited, and applies to the address's flagged rows in the page's range.
 */
export function Triage({
  ip,
  range,
  onDone,
  compact,
}: {
  ip: string;
  range: Range;
  onDone: Decided;
  compact?: boolean;
}) {
  const [note, setNote] = useState('');
  const [expiry, setExpiry] = useState(0);
  const { said, state, label, list } = useDecisions(ip, range, note, expiry, onDone);
  return (
    <div className={`triage ${compact ? 'compact' : ''}`} data-testid="triage">
      <input
        placeholder="note (why)"
        aria-label="note"
        value={note}
        onChange={(e) => setNote(e.target.value)}
      />
      <button type="button" onClick={state('acknowledged')}>
        Acknowledge
      </button>
      <button type="button" onClick={state('resolved')}>
        Resolve
      </button>
      <button type="button" onClick={label('false_positive')}>
        False positive
      </button>
      <button type="button" onClick={label('confirmed')}>
        Confirm
      </button>
      <select aria-label="list expiry" value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
        {EXPIRIES.map(([words], i) => (
          <option key={words} value={i}>
            {words}
          </option>
        ))}
      </select>
      <button type="button" onClick={list('allow')}>
        Allow-list IP
      </button>
      <button type="button" onClick={list('deny')}>
        Deny-list IP
      </button>
      {said && (
        <span className="small muted" role="status">
          {said}
        </span>
      )}
    </div>
  );
}
