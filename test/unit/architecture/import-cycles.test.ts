/**
 * No module under appliance/ imports itself back through others: each file can be read, tested
 * and loaded after the files it imports (ESM evaluates a cycle's members with some bindings still
 * uninitialised, a source of load-order bugs).
 */
import { describe, expect, it } from 'vitest';
import { importCycles, sourceFiles } from '../../helpers/import-graph.js';

describe('import cycles', () => {
  it('finds none under appliance/', () => {
    const files = sourceFiles('appliance');
    expect(files.length).toBeGreaterThan(100);
    expect(importCycles(files)).toEqual([]);
  });
});
