import { readFile } from 'node:fs/promises';
import { walkCapture } from './capture-file.js';
import type { CaptureDamage } from './capture-types.js';
import { CaptureUnreadableError } from './errors.js';
import type { FlowLimits } from './flow-table.js';
import { FingerprintPipeline, type PipelineStats } from './pipeline.js';
import type { ClientHelloRecord } from './record.js';

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
};

export interface FileResult {
  format: 'pcap' | 'pcapng';
  packets: number;
  damage: CaptureDamage[];
  stats: PipelineStats;
}

/**
 * Fingerprints every ClientHello of one capture file. Throws CaptureUnreadableError when the file
 * cannot be read or is neither pcap nor pcapng; damaged records are returned in `damage` and
 * every other packet is still processed.
 */
export async function fingerprintFile(
  file: string,
  onRecord: (r: ClientHelloRecord) => void,
  limits: Partial<FlowLimits> = {},
): Promise<FileResult> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new CaptureUnreadableError(file, READ_ERRORS[code] ?? String((err as Error).message ?? err));
  }
  return fingerprintBuffer(file, buf, onRecord, limits);
}

export function fingerprintBuffer(
  file: string,
  buf: Buffer,
  onRecord: (r: ClientHelloRecord) => void,
  limits: Partial<FlowLimits> = {},
): FileResult {
  const pipeline = new FingerprintPipeline(onRecord, limits);
  const walked = walkCapture(buf, (lt, data, ts) => pipeline.push(lt, data, ts));
  if (!walked.ok) {
    const reason =
      walked.code === 'truncated'
        ? `file header truncated (${buf.length} bytes)`
        : 'not a pcap or pcapng file (unknown magic number)';
    throw new CaptureUnreadableError(file, reason);
  }
  pipeline.stats.errors.capture_record += walked.value.damage.length;
  return { ...walked.value, stats: pipeline.stats };
}
