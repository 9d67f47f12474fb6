import { type Static, T } from './schema.js';

/** The latest instant a range may name: 2100-01-01T00:00:00Z, well inside ClickHouse's DateTime. */
export const MAX_TIME_S = 4_102_444_800;
export const RANGE_PRESETS = ['1h', '6h', '24h', '7d', '30d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
/** How far back each preset reaches from now, seconds. */
export const RANGE_PRESET_SECONDS: Record<RangePreset, number> = {
  '1h': 3600,
  '6h': 6 * 3600,
  '24h': 86400,
  '7d': 7 * 86400,
  '30d': 30 * 86400,
};

/**
 * A time range: a preset, or `from`/`to` in Unix seconds. `to` is at least one day after the
 * epoch so the default `from` (`to` - 24 h) is never negative.
 */
export const rangeQuery = {
  range: T.Optional(T.Enum(RANGE_PRESETS)),
  from: T.Optional(T.Integer({ minimum: 0, maximum: MAX_TIME_S })),
  to: T.Optional(T.Integer({ minimum: 86_400, maximum: MAX_TIME_S })),
};
export const RangeQuery = T.Object(rangeQuery);
export type RangeQuery = Static<typeof RangeQuery>;

/** The range a response covers: [from, to) in Unix seconds, and its series' bucket width. */
export const RangeOut = T.Object({ from: T.Integer(), to: T.Integer(), step: T.Integer() });
export type RangeOut = Static<typeof RangeOut>;

export const PAGE_SIZE_MAX = 200;
export const pageQuery = {
  page: T.Optional(T.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
  page_size: T.Optional(T.Integer({ minimum: 1, maximum: PAGE_SIZE_MAX, default: 50 })),
};
/**
 * What a paged list says about itself: "showing rows.length of total". `total_estimated`: the
 * total is an estimate (uniqCombined over an aggregate, ~1.6% off above a few thousand), said as
 * "about" wherever it is shown.
 */
export const pageOut = {
  page: T.Integer(),
  page_size: T.Integer(),
  total: T.Integer(),
  total_estimated: T.Optional(T.Boolean()),
};

/**
 * One reason the detector gave for a flag: a stable code, the words an analyst reads, and the
 * row's value and the typical human value where the reason is a measurement.
 */
export const Reason = T.Object({
  code: T.String(),
  words: T.String(),
  value: T.Nullable(T.Number()),
  typical: T.Nullable(T.Number()),
});
export type Reason = Static<typeof Reason>;

/** Whether known bots count among the anomalies (the one definition every page uses). */
export const BOTS = ['exclude', 'include'] as const;
export type BotsFilter = (typeof BOTS)[number];

export const ErrorBody = T.Object({ error: T.Object({ code: T.String(), message: T.String() }) });
export type ErrorBody = Static<typeof ErrorBody>;
