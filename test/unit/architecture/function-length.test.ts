/**
 * No function in the product is longer than a reader can hold: every function under appliance/,
 * components/ and bin/ longer than MAX_LINES is listed below with the reason it may be. A new
 * long function fails this test; so does an exception that got short enough to leave the list
 * (keep it exact, so the list says what is still to split).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { longFunctions } from '../../helpers/function-length.js';
import { REPO_ROOT, sourceFiles } from '../../helpers/import-graph.js';

const MAX_LINES = 60;

/** `path name` → why it may stay longer than MAX_LINES. */
const EXCEPTIONS: Record<string, string> = {};

const lines = (n: number, indent: string) =>
  Array.from({ length: n }, (_, i) => `${indent}x += ${i};`).join('\n');

describe('function length', () => {
  it('finds a function one line over the limit and passes one at the limit', () => {
    // A declaration spans its body plus the two lines of its signature and closing brace.
    const source = [
      'export function atLimit(x: number) {',
      lines(MAX_LINES - 2, '  '),
      '}',
      'function overLimit(x: number) {',
      lines(MAX_LINES - 1, '  '),
      '}',
    ].join('\n');
    expect(longFunctions('synthetic.ts', source, MAX_LINES)).toEqual([
      { file: 'synthetic.ts', name: 'overLimit', line: MAX_LINES + 1, lines: MAX_LINES + 1 },
    ]);
  });

  it('names methods by class, arrows by binding, callbacks by where they are', () => {
    const body = lines(MAX_LINES, '    ');
    const source = [
      'class Box {',
      `  constructor(x: number) {\n${body}\n  }`,
      `  open(x: number) {\n${body}\n  }`,
      '}',
      `const wire = (x: number) => {\n${body}\n};`,
      `function outer() {\n  [1].forEach((x) => {\n${body}\n  });\n}`,
      `const handlers = { onData(x: number) {\n${body}\n} };`,
    ].join('\n');
    const found = longFunctions('synthetic.tsx', source, MAX_LINES).map((f) => f.name);
    expect(found).toEqual(['Box.constructor', 'Box.open', 'wire', 'outer', '<callback in outer>', 'onData']);
  });

  it(`finds no function over ${MAX_LINES} lines under appliance/, components/ and bin/ but the listed exceptions`, () => {
    const files = ['appliance', 'components', 'bin'].flatMap((room) => sourceFiles(room));
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((file) =>
      longFunctions(file, readFileSync(path.join(REPO_ROOT, file), 'utf8'), MAX_LINES),
    );
    const described = found.map((f) => `${f.file}:${f.line} ${f.name} (${f.lines} lines)`);
    expect(
      found.map((f) => `${f.file} ${f.name}`).sort(),
      `functions over ${MAX_LINES} lines:\n${described.join('\n')}`,
    ).toEqual(Object.keys(EXCEPTIONS).sort());
    for (const reason of Object.values(EXCEPTIONS)) expect(reason).not.toBe('');
  });
});
