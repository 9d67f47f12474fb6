/**
 * What `ja4 up` prints on stdout for a person: a header, one aligned row per service (service,
 * address, state, a note), the first admin's password once, and what to do next. Logs go
 * elsewhere (up/logging.ts), so these lines are the whole console.
 */

export type RowState = 'ready' | 'skipped' | 'off' | 'failed';

const SERVICE_WIDTH = 11;
/** Addresses up to this long keep the state column in place (longer ones push it along). */
const MAX_ADDRESS_WIDTH = 60;
const STATE_WIDTH = 8;
const COLOUR: Record<RowState, string> = { ready: '32', skipped: '33', off: '33', failed: '31' };

/** The address column's width for these addresses (the ones known before anything starts). */
export function addressWidth(addresses: string[]): number {
  return Math.min(MAX_ADDRESS_WIDTH, Math.max(24, ...addresses.map((a) => a.length)));
}

/** One service row: `  dashboard   http://127.0.0.1:8000/          ready    note`. */
export function formatRow(
  service: string,
  address: string,
  state: RowState,
  note = '',
  o: { width?: number; colour?: boolean } = {},
): string {
  const word = state.padEnd(STATE_WIDTH);
  const shown = o.colour ? `\x1b[${COLOUR[state]}m${word}\x1b[0m` : word;
  const at = address.padEnd(o.width ?? 30);
  return `  ${service.padEnd(SERVICE_WIDTH)} ${at} ${shown} ${note}`.trimEnd();
}

export interface UpConsole {
  row(service: string, address: string, state: RowState, note?: string): void;
  /** A line as it is (blank lines, the password, what to do). */
  line(text?: string): void;
}

/** The console on `out`, rows aligned at `width`; the state word is coloured on a terminal. */
export function createConsole(width: number, out: NodeJS.WritableStream = process.stdout): UpConsole {
  const colour = (out as { isTTY?: boolean }).isTTY === true && !process.env.NO_COLOR;
  return {
    row: (service, address, state, note) =>
      out.write(`${formatRow(service, address, state, note, { width, colour })}\n`),
    line: (text = '') => out.write(`${text}\n`),
  };
}

/** The last line, once everything that could start has: scripts and tests wait for it. */
export const RUNNING_LINE = 'ja4 up is running; Ctrl-C stops everything.';

export interface NextSteps {
  dashboardUrl: string;
  /** https://127.0.0.1:8443/ when the web host runs. */
  webHostUrl?: string;
  /** Whether the sentinel captures (without it requests are stored without fingerprints). */
  capturing: boolean;
  /** The correlator's http socket, for a web server of one's own. */
  httpSocket: string;
}

/** What to do once it runs: send a request, see it, where the status is. */
export function nextSteps(n: NextSteps): string[] {
  const base = n.dashboardUrl.replace(/\/$/, '');
  const lines = [''];
  if (n.webHostUrl) {
    lines.push(
      `  Send a request:  curl -k ${n.webHostUrl}   (or open it in a browser: the certificate is self-signed)`,
    );
  } else {
    lines.push(
      `  Send a request:  no web host here (see above); or point your Apache's mod_reqin_log at ${n.httpSocket}`,
      '                   (ReqinLogSocket, appliance/mod_reqin_log/README.md)',
    );
  }
  lines.push(`  See it:          ${base}/#/ip/127.0.0.1   (log in as admin; it is there within a minute)`);
  if (!n.capturing)
    lines.push('                   without the sentinel, requests are stored without their JA4');
  lines.push(`  Status:          ${base}/#/status`, '', RUNNING_LINE);
  return lines;
}
