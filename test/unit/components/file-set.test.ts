import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFileSet, migrationTarget, readFileSet } from '../../../components/file-set.js';

const tmp = mkdtempSync(join(tmpdir(), 'ja4-components-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const bytes = (s: string) => new TextEncoder().encode(s);

describe('file sets', () => {
  it('digests independently of order and changes on an edit or a rename', () => {
    const a = { name: '0001_a.up.sql', content: bytes('CREATE 1') };
    const b = { name: '0002_b.up.sql', content: bytes('CREATE 2') };
    const base = describeFileSet([a, b]).digest;
    expect(describeFileSet([b, a]).digest).toBe(base);
    expect(describeFileSet([a, { ...b, content: bytes('CREATE 3') }]).digest).not.toBe(base);
    expect(describeFileSet([a, { ...b, name: '0003_b.up.sql' }]).digest).not.toBe(base);
    // Moving bytes between name and content must not collide.
    expect(describeFileSet([{ name: 'ab', content: bytes('c') }]).digest).not.toBe(
      describeFileSet([{ name: 'a', content: bytes('bc') }]).digest,
    );
  });

  it('reads a directory by suffix and finds the highest up migration', () => {
    const dir = mkdtempSync(join(tmp, 'mig-'));
    for (const name of ['0001_create_x.up.sql', '0001_create_x.down.sql', '0012_add_y.up.sql', 'README.md']) {
      writeFileSync(join(dir, name), name);
    }
    const set = readFileSet(dir, ['.sql']);
    expect(set.files).toEqual(['0001_create_x.down.sql', '0001_create_x.up.sql', '0012_add_y.up.sql']);
    expect(migrationTarget(set)).toBe('0012');
    expect(migrationTarget(readFileSet(join(dir, 'absent'), ['.sql']))).toBe('0000');
  });
});
