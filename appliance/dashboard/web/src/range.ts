import { RANGE_PRESETS, type RangePreset } from '../../api/common';
import type { Route } from './router';

/** The page's time range from the URL: a preset (`range=24h`) or a custom `from`/`to`. */
export interface PageRange {
  preset?: RangePreset;
  from?: number;
  to?: number;
  /** The query keys the API takes. */
  params: { range?: string; from?: number; to?: number };
  /** The same keys as a query string, for links that keep the range. */
  keep: string;
}

export function rangeOf(route: Route, fallback: RangePreset = '24h'): PageRange {
  const from = Number(route.params.get('from'));
  const to = Number(route.params.get('to'));
  if (Number.isInteger(from) && Number.isInteger(to) && from > 0 && to > from) {
    return { from, to, params: { from, to }, keep: `?from=${from}&to=${to}` };
  }
  const r = route.params.get('range');
  const preset = (RANGE_PRESETS as readonly string[]).includes(r ?? '') ? (r as RangePreset) : fallback;
  return { preset, params: { range: preset }, keep: `?range=${preset}` };
}

export function rangeKeys(r: PageRange): Record<string, string | undefined> {
  return r.preset ? { range: r.preset } : { from: String(r.from), to: String(r.to) };
}
