/**
 * The client SYNs to a loopback port as Wireshark's tshark captures them: source port, sequence
 * number (the client's initial sequence number) and capture time. An independent view of what
 * mod_reqin_log reports as conn_isn and the sentinel as syn_seq.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';

export interface CapturedSyn {
  srcport: number;
  seq: number;
  tsUs: number;
}

/** Why SYNs cannot be captured here, or null. */
export function synCaptureMissing(): string | null {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'tshark not found (scripts/setup-system.sh installs it)';
  }
  if (process.getuid?.() !== 0) return 'capturing on loopback needs root';
  return null;
}

export interface SynCapture {
  readonly syns: CapturedSyn[];
  /** Waits until `n` SYNs were seen (or the timeout), then stops tshark. */
  stop(n?: number, timeoutMs?: number): Promise<CapturedSyn[]>;
}

/** Starts tshark on `lo` for SYNs (without ACK) to `port`; resolves once it captures. */
export async function captureSyns(port: number): Promise<SynCapture> {
  const child: ChildProcess = spawn(
    'tshark',
    ['-i', 'lo', '-l', '-n', '-f', `tcp dst port ${port} and tcp[13] & 0x12 == 0x02`, '-T', 'fields'].concat([
      '-e',
      'tcp.srcport',
      '-e',
      'tcp.seq_raw',
      '-e',
      'frame.time_epoch',
    ]),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const syns: CapturedSyn[] = [];
  let buf = '';
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    let i = buf.indexOf('\n');
    while (i >= 0) {
      const [sport, seq, time] = buf.slice(0, i).split('\t');
      buf = buf.slice(i + 1);
      i = buf.indexOf('\n');
      if (sport)
        syns.push({ srcport: Number(sport), seq: Number(seq), tsUs: Math.round(Number(time) * 1e6) });
    }
  });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`tshark did not start: ${err}`)), 15_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      // dumpcap's "Capture started" comes once packets are being read; "Capturing on" before.
      if (err.includes('Capture started')) {
        clearTimeout(timer);
        setTimeout(resolve, 200);
      }
    });
    child.on('exit', (code) => reject(new Error(`tshark exited (${code}): ${err}`)));
  });
  return {
    syns,
    async stop(n = 0, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (syns.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      return syns;
    },
  };
}
