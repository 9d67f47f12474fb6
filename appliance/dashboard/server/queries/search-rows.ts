import type { SearchIp, SearchResponse } from '../../api/index.js';

/** The hourly rollup a search reads when every term is one of its keys: one row per (hour, host, address, JA4). */
export const ROLLUP_TABLE = 'ja4_processing.agg_host_ip_ja4_1h';

/**
 * One address of a search as a statement returns it: the AS columns under aliases of their own,
 * since an alias named as its column would shadow the column in the statement's WHERE.
 */
export type Row = SearchIp & {
  r_asn: number;
  r_asn_name: string;
  r_asn_label: string;
};
export type Found = Pick<SearchResponse, 'total' | 'rows' | 'ja4s'> & { total_estimated?: boolean };
export type Page = { offset: number; limit: number };

export function ipRow(x: Row): SearchIp {
  return {
    ip: x.ip,
    hits: Number(x.hits),
    asn: Number(x.r_asn),
    asn_name: x.r_asn_name,
    asn_label: x.r_asn_label,
    ja4s: x.ja4s,
    first_seen: x.first_seen,
    last_seen: x.last_seen,
  };
}
