/**
 * The demo-data generator: labelled human, scanner, known-bot and brute-force sessions as
 * correlated rows (valid against correlatedRowSchema), written into http_logs_raw so the whole
 * materialized-view chain fills as with live traffic, plus the true label of every session.
 * `ja4 up` seeds it on first run; `npm run seed`, the benchmarks and the tests use the same code.
 */
export { readBotLists } from './bot-lists.js';
export { BotListError } from './errors.js';
export {
  addressInRange,
  cidrContains,
  DATACENTER_RANGES,
  HUMAN_RANGES,
  type Ipv4Range,
  intToIpv4,
  ipv4ToInt,
  isLoopbackAddress,
  type ParsedCidr,
  parseCidr,
  TOR_RANGE,
} from './ip-ranges.js';
export {
  type BotLists,
  generateSeed,
  SCENARIO_LABEL,
  SCENARIOS,
  type SeedLabel,
  type SeedOptions,
  sessionCounts,
} from './seed-plan.js';
export type { Scenario } from './seed-sessions.js';
export { insertRawLines, LABELS_TABLE, RAW_TABLE, tableExists } from './seed-tables.js';
export { type SeedProgress, type SeedSummary, type WriteSeedOptions, writeSeed } from './seed-writer.js';
export { ATTACK_PROBES, HOSTS, HUMAN_PAGES, SEARCH_TERMS, SLUGS } from './site-paths.js';
