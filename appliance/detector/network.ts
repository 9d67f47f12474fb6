/**
 * The kind of network a request came from (asn_reputation's label: the curated lists first, the
 * name classifier for the rest; appliance/common/migrate/asn-kind.ts). People browse from access
 * networks (ISPs, mobile carriers, universities, offices); scripts run on servers. A hosting or
 * cloud network is not proof of a bot (VPNs and corporate proxies live there too), so it is a
 * model feature and a reason, and decides a verdict only together with declared automation.
 */
export type NetworkClass = 'access' | 'server' | 'anonymiser' | 'unknown';

const CLASS: Record<string, NetworkClass> = {
  isp: 'access',
  mobile: 'access',
  education: 'access',
  government: 'access',
  business: 'access',
  hosting: 'server',
  cloud: 'server',
  cdn: 'server',
  vpn: 'anonymiser',
  tor: 'anonymiser',
};

export function networkClass(kind: string): NetworkClass {
  return CLASS[kind] ?? 'unknown';
}

/** 0 for access networks, 0.5 when the kind is unknown, 1 for servers and anonymisers (a model feature). */
export function networkRisk(kind: string): number {
  const c = networkClass(kind);
  return c === 'access' ? 0 : c === 'unknown' ? 0.5 : 1;
}

export const KIND_WORDS: Record<string, string> = {
  isp: 'an access ISP',
  mobile: 'a mobile network',
  education: 'an education network',
  government: 'a government network',
  business: 'a business network',
  hosting: 'a hosting network',
  cloud: 'a public cloud',
  cdn: 'a CDN',
  vpn: 'a VPN provider',
  tor: 'a Tor exit operator',
  unknown: 'a network of unknown kind',
};
