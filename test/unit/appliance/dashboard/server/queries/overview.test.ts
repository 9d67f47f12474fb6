import { describe, expect, it } from 'vitest';
import { bucketSeries } from '../../../../../../appliance/dashboard/server/queries/overview.js';
import { sourceRange } from '../../../../../../appliance/dashboard/server/queries/traffic-source.js';

describe('overview series', () => {
  it('splits non-bot hits into anomalous and human, never more anomalous than non-bot', () => {
    const r = { from: 1000, to: 1900, step: 300 };
    const s = bucketSeries(
      [
        { t: 900, known_bot: 5, other: 10, anomalous: 4 },
        { t: 1500, known_bot: 0, other: 3, anomalous: 7 },
      ],
      r,
    );
    expect(s.t).toEqual([900, 1200, 1500, 1800]);
    expect(s.known_bot).toEqual([5, 0, 0, 0]);
    expect(s.anomalous).toEqual([4, 0, 3, 0]);
    expect(s.human).toEqual([6, 0, 0, 0]);
  });

  it('uses 5-minute buckets up to 6 hours and hourly ones above, from aligned to its bucket', () => {
    expect(sourceRange({ from: 0, to: 3600, step: 60 })).toEqual({
      from: 0,
      to: 3600,
      step: 300,
      grain: '5m',
    });
    expect(sourceRange({ from: 1000, to: 1000 + 6 * 3600, step: 300 })).toEqual({
      from: 900,
      to: 1000 + 6 * 3600,
      step: 300,
      grain: '5m',
    });
    expect(sourceRange({ from: 5000, to: 5001 + 6 * 3600, step: 900 })).toMatchObject({
      from: 3600,
      step: 3600,
      grain: '1h',
    });
    expect(sourceRange({ from: 7300, to: 7300 + 30 * 86400, step: 21600 })).toMatchObject({
      from: 7200,
      step: 21600,
      grain: '1h',
    });
  });
});
