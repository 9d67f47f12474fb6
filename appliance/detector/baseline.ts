import { uaTcpMismatch } from './coherence.js';
import type { AnalystLabel, ListMatch } from './decisions.js';
import type { FeatureRow, RowFacts } from './features.js';
import { networkClass } from './network.js';
import { isBrowserClaim } from './user-agent.js';

/**
 * Which rows the model learns "normal" from, on day one of a real deployment, with no demo data
 * and no hand-labelled networks: rows whose layers agree that a browser made them.
 *   - the UA claims a mainstream browser and declares no automation (isbot);
 *   - the TLS fingerprint is that browser engine's (ja4_family: the whole JA4 or its cipher
 *     hash), which a script rarely forges together with a matching UA;
 *   - the TCP SYN does not contradict the OS the UA claims;
 *   - the address and JA4 are on no known-bot or deny list, no analyst confirmed them as bots;
 *   - the network is not a server or anonymiser (hosting, cloud, VPN, Tor): a coherent browser
 *     there may be a headless one, and the baseline can do without it;
 * plus every row an analyst marked a false positive. A client that forges all three layers is
 * learned as normal if it is in the baseline: the model then judges it by its behaviour
 * (request rate, paths, errors, headers), and the forest's sub-sampling (ψ rows per tree) keeps a
 * few such rows from masking the rest (Liu et al. 2008 §3). train.ts also refits without the
 * baseline rows the first fit scores as anomalous.
 */
export interface BaselineContext {
  list?: ListMatch;
  label?: AnalystLabel;
}

export function isBaselineRow(row: FeatureRow, facts: RowFacts, ctx: BaselineContext = {}): boolean {
  if (ctx.label === 'false_positive') return true;
  if (ctx.label === 'confirmed' || ctx.list?.list === 'deny') return false;
  if (row.bot_ip_label !== '' || row.bot_ja4_label !== '') return false;
  const { claim, tls } = facts;
  if (claim.declared || !isBrowserClaim(claim.client)) return false;
  if (!facts.hasTls || tls.family !== claim.client) return false;
  if (uaTcpMismatch(claim, facts.tcp) >= 1) return false;
  const net = networkClass(row.asn_label);
  return net !== 'server' && net !== 'anonymiser';
}
