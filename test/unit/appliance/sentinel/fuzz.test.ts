import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../../../scripts/fuzz-fingerprint.js';

describe('mutation fuzzer (bounded; `npm run fuzz` runs longer)', () => {
  it('finds no exception escaping an entry point and only typed error codes', () => {
    const report = runFuzz({ seed: 20_240_601, durationMs: 8_000 });
    expect(report.escaped).toEqual([]);
    expect(report.errors.internal ?? 0).toBe(0);
    expect(report.iterations).toBeGreaterThan(500);
    // The mutations reached the parsers behind the decryption and reassembly layers.
    for (const code of ['truncated', 'quic_decrypt', 'quic_frame', 'client_hello']) {
      expect(report.errors[code] ?? 0, code).toBeGreaterThan(0);
    }
    expect(report.records).toBeGreaterThan(0);
  }, 30_000);
});
