import { pageOut, pageQuery, RangeOut, rangeQuery } from './common.js';
import { type Static, T } from './schema.js';

/** The fields the search language knows (`field:value`); a bare word is classified. */
export const SEARCH_FIELDS = ['ip', 'cidr', 'ja4', 'ja3', 'host', 'path', 'ua', 'asn', 'status'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

export const SearchQuery = T.Object({
  ...rangeQuery,
  ...pageQuery,
  q: T.String({ minLength: 1, maxLength: 200 }),
});
export type SearchQuery = Static<typeof SearchQuery>;

const n = T.Number();
const s = T.String();
/** One term as the server understood it, with the words it says back to the analyst. */
export const SearchTerm = T.Object({ field: T.Enum(SEARCH_FIELDS), value: s, words: s });
export type SearchTerm = Static<typeof SearchTerm>;

export const SearchIp = T.Object({
  ip: s,
  hits: n,
  asn: n,
  asn_name: s,
  asn_label: s,
  ja4s: T.Array(s),
  first_seen: s,
  last_seen: s,
});
export type SearchIp = Static<typeof SearchIp>;

export const SearchResponse = T.Object({
  range: RangeOut,
  terms: T.Array(SearchTerm),
  /** Parts of the query that were not understood, each with why. */
  errors: T.Array(s),
  ...pageOut,
  rows: T.Array(SearchIp),
  ja4s: T.Array(T.Object({ ja4: s, hits: n, ips: n })),
});
export type SearchResponse = Static<typeof SearchResponse>;
