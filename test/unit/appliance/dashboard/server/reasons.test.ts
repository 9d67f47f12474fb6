import { describe, expect, it } from 'vitest';
import { reasonList } from '../../../../../appliance/dashboard/server/reasons.js';

describe('reasonList', () => {
  it('shows a reason text without the structured list as one item, never split at "; "', () => {
    const text =
      '100% of responses were client errors (4xx; typical human: 0%); from a hosting network (AS1)';
    expect(reasonList('', text)).toEqual([{ code: 'text', words: text, value: null, typical: null }]);
  });

  it('takes the structured list when the row has one, with its values', () => {
    const json = JSON.stringify([
      { code: 'ratio_4xx', words: '100% client errors (4xx; typical human: 0%)', value: 1, typical: 0 },
      { code: 'asn_kind', words: 'from a hosting network', value: null, typical: null },
    ]);
    expect(reasonList(json, 'ignored')).toEqual([
      { code: 'ratio_4xx', words: '100% client errors (4xx; typical human: 0%)', value: 1, typical: 0 },
      { code: 'asn_kind', words: 'from a hosting network', value: null, typical: null },
    ]);
  });

  it('falls back to the text when the structured column is empty or not JSON', () => {
    expect(reasonList('[]', 'x')).toEqual([{ code: 'text', words: 'x', value: null, typical: null }]);
    expect(reasonList('{oops', 'x')).toHaveLength(1);
    expect(reasonList('', '')).toEqual([]);
  });
});
