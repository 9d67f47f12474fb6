/**
 * The product never reaches into the repository's tools: nothing under appliance/ or components/
 * imports scripts/ or test/ (what ships in dist/ and the packages would otherwise need them).
 */
import { describe, expect, it } from 'vitest';
import { relativeImports, sourceFiles } from '../../helpers/import-graph.js';

describe('room boundaries', () => {
  for (const room of ['appliance', 'components']) {
    it(`nothing under ${room}/ imports scripts/ or test/`, () => {
      const files = sourceFiles(room);
      expect(files.length).toBeGreaterThan(0);
      const crossing = relativeImports(files)
        .filter((e) => /^(?:scripts|test)\//.test(e.to))
        .map((e) => `${e.from} imports ${e.specifier}`);
      expect(crossing).toEqual([]);
    });
  }
});
