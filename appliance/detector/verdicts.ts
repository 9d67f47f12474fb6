import { uaTcpMismatch } from './coherence.js';
import type { AnalystLabel, ListMatch } from './decisions.js';
import type { FeatureRow, RowFacts } from './features.js';
import { KIND_WORDS, networkClass } from './network.js';
import type { Reason } from './reasons.js';
import { isBrowserFamily } from './tls-family.js';
import { isBrowserClaim } from './user-agent.js';
import type { Verification } from './verified-bots.js';

/**
 * The verdict on a feature row: the model's score combined with explicit, explainable signals,
 * and which source decided (as Cloudflare's bot score source: analyst, known list, heuristic,
 * model). Rules are checked in order and the first that applies decides:
 *   1. analyst: allow-list entry or false-positive label (never flagged), deny-list entry or
 *      confirmed label (always flagged);
 *   2. verification: a UA claiming a search engine's crawler that forward-confirmed reverse DNS or
 *      a published range verifies (not flagged) or refutes (flagged);
 *   3. known list: the JA4 or the address is on a known-bot list;
 *   4. heuristic: the UA declares automation (a library, tool or crawler: an honest curl is a
 *      tool, not a coherent client), the UA claims a browser whose TLS is another engine's or a
 *      library's, an empty or non-browser UA over a library's TLS, a raw-socket scanner's SYN;
 *   5. model: the Isolation Forest's score at or above the threshold;
 *   6. otherwise human, with the model's margin as confidence (or no model yet: heuristics only).
 * The network's kind is a reason on every flagged row from a server or anonymiser network.
 */
export type Verdict =
  | 'allowed'
  | 'verified_bot'
  | 'human'
  | 'automated'
  | 'anomalous'
  | 'denied'
  | 'confirmed';
export type VerdictSource = 'analyst' | 'verification' | 'known_list' | 'heuristic' | 'model';

export interface Decision {
  verdict: Verdict;
  source: VerdictSource;
  /** How sure the deciding source is, in [0, 1]. */
  confidence: number;
  flagged: boolean;
  /** The deciding signal's reasons first, then supporting ones (network kind). */
  reasons: Reason[];
}

export interface VerdictInput {
  row: FeatureRow;
  facts: RowFacts;
  /** The model's score, when a model exists. */
  score?: number;
  threshold: number;
  list?: ListMatch;
  label?: AnalystLabel;
  crawler?: Verification;
}

const r = (code: string, words: string, value = '', typical = ''): Reason => ({
  code,
  words,
  value,
  typical,
});

export function decide(input: VerdictInput): Decision {
  return analyst(input) ?? verification(input) ?? knownList(input) ?? heuristic(input) ?? model(input);
}

function flaggedBy(
  verdict: Verdict,
  source: VerdictSource,
  confidence: number,
  reasons: Reason[],
  input: VerdictInput,
): Decision {
  return { verdict, source, confidence, flagged: true, reasons: [...reasons, ...networkReasons(input)] };
}

function analyst({ list, label }: VerdictInput): Decision | undefined {
  const entry = list ? `${list.subject_kind} ${list.subject}${list.note ? ` (${list.note})` : ''}` : '';
  if (list?.list === 'allow') {
    return {
      verdict: 'allowed',
      source: 'analyst',
      confidence: 1,
      flagged: false,
      reasons: [r('analyst_allow', `allow-listed by an analyst: ${entry}`, list.subject)],
    };
  }
  if (label === 'false_positive') {
    return {
      verdict: 'allowed',
      source: 'analyst',
      confidence: 1,
      flagged: false,
      reasons: [r('analyst_false_positive', 'marked a false positive by an analyst')],
    };
  }
  if (list?.list === 'deny') {
    return {
      verdict: 'denied',
      source: 'analyst',
      confidence: 1,
      flagged: true,
      reasons: [r('analyst_deny', `deny-listed by an analyst: ${entry}`, list.subject)],
    };
  }
  if (label === 'confirmed') {
    return {
      verdict: 'confirmed',
      source: 'analyst',
      confidence: 1,
      flagged: true,
      reasons: [r('analyst_confirmed', 'confirmed a bot by an analyst')],
    };
  }
  return undefined;
}

function verification(input: VerdictInput): Decision | undefined {
  const v = input.crawler;
  if (!v || v.status === 'unavailable') return undefined;
  if (v.status === 'verified') {
    return {
      verdict: 'verified_bot',
      source: 'verification',
      confidence: 0.99,
      flagged: false,
      reasons: [r('crawler_verified', `verified ${v.crawler}: ${v.detail}`, v.crawler)],
    };
  }
  return flaggedBy(
    'automated',
    'verification',
    0.95,
    [r('crawler_refuted', `claims to be ${v.crawler} but ${v.detail}`, v.crawler)],
    input,
  );
}

function knownList(input: VerdictInput): Decision | undefined {
  const { row } = input;
  const out: Reason[] = [];
  if (row.bot_ja4_label)
    out.push(r('known_bot_ja4', `TLS fingerprint of a known bot (${row.bot_ja4_label})`, row.ja4));
  if (row.bot_ip_label && !row.bot_ip_label.startsWith('good-')) {
    out.push(r('known_bot_ip', `address on the known-bot list (${row.bot_ip_label})`, row.src_ip));
  }
  if (out.length === 0) return undefined;
  return flaggedBy('automated', 'known_list', row.bot_ja4_label ? 0.9 : 0.85, out, input);
}

/** What the user agent says against what the TLS and TCP layers show, in order of certainty. */
function heuristic(input: VerdictInput): Decision | undefined {
  return (
    declaredClient(input) ??
    uaTlsContradiction(input) ??
    emptyUserAgent(input) ??
    nonBrowserClient(input) ??
    stackContradiction(input)
  );
}

function declaredClient(input: VerdictInput): Decision | undefined {
  const { declared } = input.facts.claim;
  if (!declared) return undefined;
  const what = declared.kind === 'crawler' ? 'a crawler' : 'a tool or HTTP library';
  const unverified = input.crawler ? ` (could not verify it: ${input.crawler.detail})` : '';
  const code = declared.kind === 'crawler' ? 'declared_crawler' : 'declared_tool';
  return flaggedBy(
    'automated',
    'heuristic',
    0.95,
    [r(code, `user agent declares ${what}: ${declared.name}${unverified}`, input.row.top_user_agent)],
    input,
  );
}

function uaTlsContradiction(input: VerdictInput): Decision | undefined {
  const { row, facts } = input;
  const { claim, tls } = facts;
  if (
    !isBrowserClaim(claim.client) ||
    !facts.hasTls ||
    !(
      tls.family === 'tool' ||
      tls.family === 'malware' ||
      (isBrowserFamily(tls.family) && tls.family !== claim.client)
    )
  )
    return undefined;
  const by = tls.by === 'shape' ? ' (its shape: no ALPN h2, no SNI or below TLS 1.3)' : '';
  const lib =
    tls.application || tls.library ? ` (${[tls.application, tls.library].filter(Boolean).join(', ')})` : '';
  return flaggedBy(
    'automated',
    'heuristic',
    0.9,
    [
      r(
        'ua_tls_contradiction',
        `user agent claims ${claim.client} but the TLS fingerprint is ${tls.family}'s${lib}${by}`,
        row.ja4,
        claim.client,
      ),
    ],
    input,
  );
}

function emptyUserAgent(input: VerdictInput): Decision | undefined {
  const { facts } = input;
  if (facts.claim.client !== 'none' || (facts.hasTls && isBrowserFamily(facts.tls.family))) return undefined;
  return flaggedBy(
    'automated',
    'heuristic',
    0.85,
    [
      r(
        'empty_user_agent',
        `no user agent, ${facts.hasTls ? `and a ${facts.tls.family} TLS fingerprint` : 'and no TLS'}`,
        '',
        'a browser user agent',
      ),
    ],
    input,
  );
}

function nonBrowserClient(input: VerdictInput): Decision | undefined {
  const { facts } = input;
  const ua = input.row.top_user_agent;
  if (
    facts.claim.client !== 'other' ||
    !facts.hasTls ||
    (facts.tls.family !== 'tool' && facts.tls.family !== 'malware')
  )
    return undefined;
  return flaggedBy(
    'automated',
    'heuristic',
    0.8,
    [
      r(
        'non_browser_client',
        `not a browser: user agent "${ua.slice(0, 80)}" over a TLS library's handshake`,
        ua,
      ),
    ],
    input,
  );
}

/**
 * The TCP layer against the UA: a browser UA over a raw-socket scanner's SYN anywhere, or over
 * another OS's SYN from a residential ISP. On an ISP's network the server sees the client's own
 * SYN (home routers and carrier NAT rewrite addresses and TTLs, not option layouts), whereas a VPN
 * exit, a corporate proxy or a mobile carrier's TCP optimiser sends its own; so only there does a
 * Windows UA over a Linux SYN mean the UA is not the client's.
 */
function stackContradiction(input: VerdictInput): Decision | undefined {
  const { row, facts } = input;
  const { claim } = facts;
  if (!isBrowserClaim(claim.client)) return undefined;
  const syn = `TTL ${row.tcp_ttl ?? '?'}, options ${row.tcp_options || 'none'}`;
  if (facts.tcp === 'scanner') {
    const reason = r('raw_socket_syn', "browser user agent over a raw-socket scanner's TCP SYN", syn);
    return flaggedBy('automated', 'heuristic', 0.8, [reason], input);
  }
  if (row.asn_label === 'isp' && claim.os !== 'unknown' && uaTcpMismatch(claim, facts.tcp) >= 1) {
    const words = `user agent claims ${claim.os} but the TCP SYN is ${facts.tcp}'s (${syn}), from a residential ISP where no proxy rewrites it`;
    return flaggedBy(
      'automated',
      'heuristic',
      0.75,
      [r('ua_tcp_contradiction', words, syn, claim.os)],
      input,
    );
  }
  return undefined;
}

function model(input: VerdictInput): Decision {
  const { score, threshold } = input;
  if (score === undefined) {
    return {
      verdict: 'human',
      source: 'heuristic',
      confidence: 0.5,
      flagged: false,
      reasons: [r('no_model', 'no model yet (baseline too small): no explicit signal against it')],
    };
  }
  const words = `anomaly score ${score.toFixed(3)} (threshold ${threshold.toFixed(2)})`;
  if (score >= threshold) {
    const confidence = Math.min(0.99, 0.5 + (score - threshold) / Math.max(1e-9, 1 - threshold) / 2);
    return flaggedBy(
      'anomalous',
      'model',
      round(confidence),
      [r('model_score', words, score.toFixed(3), threshold.toFixed(2))],
      input,
    );
  }
  const confidence = Math.min(0.99, 0.5 + (threshold - score) / Math.max(1e-9, threshold) / 2);
  return {
    verdict: 'human',
    source: 'model',
    confidence: round(confidence),
    flagged: false,
    reasons: [r('model_score', words, score.toFixed(3), threshold.toFixed(2))],
  };
}

function networkReasons({ row }: VerdictInput): Reason[] {
  const c = networkClass(row.asn_label);
  if (c !== 'server' && c !== 'anonymiser') return [];
  const name = row.asn_name ? ` ${row.asn_name}` : '';
  return [
    r(
      'network_kind',
      `from ${KIND_WORDS[row.asn_label] ?? row.asn_label} (AS${row.asn}${name})`,
      row.asn_label,
      'isp',
    ),
  ];
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
