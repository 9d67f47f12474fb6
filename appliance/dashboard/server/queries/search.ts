import type { ClickHouseClient } from '../../../common/index.js';
import type { SearchKind } from '../search-kind.js';
import type { TimeRange } from '../time-range.js';
import { rangeParams, select } from './run.js';

const IN_RANGE = `ts >= toDateTime64({from:UInt32}, 6) AND ts < toDateTime64({to:UInt32}, 6)`;

/** Matching entities for a classified search, each with hits in the range (at most 100). */
export function search(ch: ClickHouseClient, s: SearchKind, r: TimeRange) {
  const p = { ...rangeParams(r), v: s.value };
  switch (s.kind) {
    case 'ip':
      return select(
        ch,
        `SELECT client_ip AS ip, count() AS hits, any(asn_name) AS asn_name FROM ja4_processing.http_logs
         WHERE client_ip = {v:String} AND ${IN_RANGE} GROUP BY ip`,
        p,
      );
    case 'cidr':
      return select(
        ch,
        `SELECT client_ip AS ip, count() AS hits, any(asn_name) AS asn_name FROM ja4_processing.http_logs
         WHERE isIPAddressInRange(client_ip, {v:String}) AND ${IN_RANGE} GROUP BY ip ORDER BY hits DESC LIMIT 100`,
        p,
      );
    case 'ja4':
      return select(
        ch,
        `SELECT ja4, count() AS hits, uniqExact(client_ip) AS ips FROM ja4_processing.http_logs
         WHERE ja4 = {v:String} AND ${IN_RANGE} GROUP BY ja4`,
        p,
      );
    case 'ja3':
      return select(
        ch,
        `SELECT ja4, ja3, count() AS hits, uniqExact(client_ip) AS ips FROM ja4_processing.http_logs
         WHERE ja3 = {v:String} AND ${IN_RANGE} GROUP BY ja4, ja3 ORDER BY hits DESC LIMIT 100`,
        p,
      );
    case 'host':
      return select(
        ch,
        `SELECT host, count() AS hits, uniqExact(client_ip) AS ips FROM ja4_processing.http_logs
         WHERE positionCaseInsensitive(host, {v:String}) > 0 AND ${IN_RANGE} GROUP BY host ORDER BY hits DESC LIMIT 100`,
        p,
      );
  }
}
