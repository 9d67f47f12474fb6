import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isLoopbackAddress } from '../../appliance/demo/index.js';
import { ScriptOptionError, TrafficTargetError } from './errors.js';

export interface Target {
  url: URL;
  /** Addresses the host name resolved to (the literal itself for an IP). */
  addresses: string[];
  loopback: boolean;
}

/**
 * Refuses any target that is not loopback unless the user vouches for it (--i-own-this-host,
 * STYLE rule 13): traffic generators pointed at someone else's host are an attack. Every address
 * a name resolves to must be loopback, so a name that also resolves elsewhere is refused.
 */
export async function checkTarget(raw: string, iOwnThisHost: boolean): Promise<Target> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ScriptOptionError('url', raw, 'an http:// or https:// URL, e.g. https://127.0.0.1:8443/');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ScriptOptionError('url', raw, 'an http:// or https:// URL');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true })).map((a) => a.address);
    } catch {
      addresses = [];
    }
  }
  const loopback = addresses.length > 0 && addresses.every(isLoopbackAddress);
  if (!loopback && !iOwnThisHost) throw new TrafficTargetError(host, addresses);
  return { url, addresses, loopback };
}
