import type { ReactNode } from 'react';
import { href } from '../router';

/**
 * Every field is a link: addresses and JA4s open their page; networks, ASes, JA4 prefixes, JA3s,
 * hosts, paths, user agents and statuses open a search for that value, in the same range.
 */
type Keep = { keep?: string; range?: Record<string, string | undefined> };

const search = (term: string, r: Keep) => href.search(term, r.range ?? {});
const quoted = (v: string) => (/[\s"]/.test(v) ? `"${v.replaceAll('"', '')}"` : v);

export function IpLink({ ip, keep = '' }: { ip: string } & Keep) {
  return (
    <a className="mono nowrap" href={href.ip(ip, keep)}>
      {ip}
    </a>
  );
}

/** The /24 (IPv4) or /48 (IPv6) around an address. */
export function CidrLink({ ip, ...r }: { ip: string } & Keep) {
  const net = ip.includes(':')
    ? `${ip.split(':').slice(0, 3).join(':')}::/48`
    : `${ip.split('.').slice(0, 3).join('.')}.0/24`;
  return <a href={search(`cidr:${net}`, r)}>{net}</a>;
}

/**
 * A JA4 that a narrow column may wrap only between its parts (a_b_c), never inside one: broken
 * anywhere, a table squeezed it to three characters a line.
 */
function BreakAfterUnderscores({ text }: { text: string }) {
  const parts = text.split('_');
  return (
    <>
      {parts.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string, in order.
        <span key={i}>
          {p}
          {i < parts.length - 1 && (
            <>
              _<wbr />
            </>
          )}
        </span>
      ))}
    </>
  );
}

export function Ja4Link({ ja4, ...r }: { ja4: string } & Keep) {
  if (!ja4) return <span className="muted">no TLS</span>;
  return (
    <span className="ja4">
      <a className="mono" href={href.fingerprint(ja4, r.keep)}>
        <BreakAfterUnderscores text={ja4} />
      </a>{' '}
      <a
        className="mono small"
        title="every JA4 with this JA4_a"
        href={search(`ja4:${ja4.split('_')[0]}_*`, r)}
      >
        {ja4.split('_')[0]}_*
      </a>
    </span>
  );
}

export function AsnLink({ asn, name, ...r }: { asn: number; name?: string } & Keep) {
  return (
    <a href={search(`asn:${asn}`, r)}>
      AS{asn}
      {name ? ` ${name}` : ''}
    </a>
  );
}

export function FieldLink({
  field,
  value,
  children,
  ...r
}: { field: 'ja3' | 'host' | 'path' | 'ua' | 'status'; value: string; children?: ReactNode } & Keep) {
  if (value === '') return <span className="muted">(none)</span>;
  return (
    <a className={field === 'ja3' ? 'mono' : undefined} href={search(`${field}:${quoted(value)}`, r)}>
      {children ?? value}
    </a>
  );
}
