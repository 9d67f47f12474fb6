import type { AsnKind } from './dictionary-specs.js';

/**
 * The kind of network an AS is, guessed from its organisation's name, for the ASNs that no curated
 * list names (asn_reputation.csv holds the curated ones: X4BNet's datacenter and VPN ASN lists,
 * the public clouds, CDNs and Tor operators). Names come from the IP→ASN data set (DB-IP's
 * organisation names). The rules are ordered: a name that says "cloud" or "hosting" is hosting
 * even when it also says "telecom". A name that matches nothing is `unknown`, never `isp`: the
 * detector treats unknown as neutral. The evaluation against two independent hosting lists is in
 * the detector README (scripts/lib/asn-kind-eval.ts reproduces it).
 */
export const ASN_CLASSIFIER_VERSION = 'asn-kind-rules-1';

const RULES: readonly [AsnKind, RegExp][] = [
  ['cdn', /cloudflare|akamai|fastly|\bcdn\b|edgecast|edgio|limelight|stackpath|bunny ?way|cdn77|incapsula/i],
  [
    'cloud',
    /amazon|\baws\b|google cloud|google llc|microsoft|azure|oracle|alibaba|aliyun|tencent|huawei cloud|ibm cloud|softlayer/i,
  ],
  [
    'hosting',
    /host|server|cloud|data ?cent(?:er|re)|datacenter|\bcolo(?:cation)?\b|\bvps\b|dedicated|hetzner|\bovh|contabo|leaseweb|linode|vultr|choopa|digitalocean|\bm247\b|datacamp|psychz|quadranet|ionos|scaleway|online s\.?a\.?s|netcup|worldstream|g-?core|serverius|hostinger|godaddy|namecheap|aeza|kamatera|\bvirtual\b|compute/i,
  ],
  ['vpn', /\bvpn\b|proxy|nordvpn|surfshark|expressvpn|mullvad|private internet access/i],
  [
    'education',
    /universit|college|school|academ|polytechn|institute of technology|hochschule|\bedu(?:cation)?\b|research (?:and|&) education|\bnren\b|\brenater\b|\bdfn\b|\bjanet\b|\bgeant\b/i,
  ],
  [
    'government',
    /government|ministry|\bgov(?:ernment)?\b|municipal|federal|\bpolice\b|\barmy\b|defen[cs]e|\bdod\b|parliament|county of|city of|state of/i,
  ],
  [
    'mobile',
    /mobile|wireless|cellular|\blte\b|\b[345]g\b|t-mobile|movil|mobil\b|mobilfunk|\bmts\b|\bbeeline\b/i,
  ],
  [
    'isp',
    /telecom|telekom|telecommunication|broadband|\bcable|communications|\bisp\b|internet service|\bfib(?:er|re)|\btelco|telefonica|telefónica|orange|comcast|charter|verizon|at&t|spectrum|\bbell\b|rogers|telstra|\bdsl\b|provedor|telenor|telia|vodafone|swisscom|proximus|\bkpn\b|\bsfr\b|free sas|bouygues|deutsche telekom|british telecom|virgin media|\bsky\b|chinanet|china unicom|china mobile|kddi|ntt|softbank|reliance jio|bharti|airtel|\bnet(?:work)?s?\b|internet|telecable|\bwisp\b/i,
  ],
];

/** The kind the rules give an organisation name, or `unknown`. */
export function classifyAsnName(name: string): AsnKind {
  for (const [kind, re] of RULES) if (re.test(name)) return kind;
  return 'unknown';
}
