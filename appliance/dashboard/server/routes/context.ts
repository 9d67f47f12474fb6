import type { ClickHouseClient, Config } from '../../../common/index.js';

export interface RouteContext {
  ch: ClickHouseClient;
  config: Config;
}

/** A page's rows as offset and limit, from the API's 1-based page and its size. */
export function pageOf(q: { page?: number; page_size?: number }): { offset: number; limit: number } {
  const size = q.page_size ?? 50;
  return { offset: ((q.page ?? 1) - 1) * size, limit: size };
}

/** The echo of a page: which page, how big, how many rows in all (and whether that is an estimate). */
export function pageEcho(q: { page?: number; page_size?: number }, total: number, estimated = false) {
  return { page: q.page ?? 1, page_size: q.page_size ?? 50, total, total_estimated: estimated };
}
