import { describe, expect, it } from 'vitest';
import {
  hasDuplicateKeys,
  membersKept,
  membersWritten,
} from '../../../../../appliance/common/events/duplicate-keys.js';

const dup = (text: string) => hasDuplicateKeys(text, JSON.parse(text));

describe('hasDuplicateKeys', () => {
  it.each([
    '{}',
    '{"a":1}',
    '{"a":1,"b":{"a":2}}', // the same name in two objects is not a repeat
    '{"a":"x:y","b":"\\"c\\":1"}', // colons and quotes inside strings are not members
    '{"a\\"b":1,"a":2}',
    '{"a":"\\\\","b":":"}', // an escaped backslash ends right before the closing quote
    '{"a":[{"b":1},{"b":2}],"c":[]}',
    '{"extra_headers":{"x-a":"1","x-b":"2"}}',
    '{"referer":"https://a.test:8443/x","client_ip":"2001:db8::1"}', // colons in values, no escapes
    '{"a":"x\\u003ay","b:c":"d"}', // an escape: the exact scan
  ])('accepts %s', (text) => {
    expect(dup(text)).toBe(false);
  });

  it.each([
    '{"a":1,"a":2}',
    '{"client_ip":"203.0.113.9","x":0,"client_ip":"192.0.2.1"}',
    '{"h":{"x-a":"1","x-a":"2"}}',
    '{"a":[{"b":1,"b":1}]}',
    '{"a":1,"\\u0061":2}', // the same name spelled with an escape
    '{"r":"https://x","r":"y"}', // colons in the dropped value
    '{"r":"y","r":"https://x"}', // colons in the kept value
    '{"a":"\\u003a","a":"z"}', // an escaped colon cannot hide a repeat
    '{"a":"\\u003a\\u003a","x":1,"x":2}',
  ])('refuses %s', (text) => {
    expect(dup(text)).toBe(true);
  });

  it('counts one member per colon outside strings', () => {
    expect(membersWritten('{"a":":","b":{"c":"\\":"}}')).toBe(3);
  });
});

describe('hasDuplicateKeys, cheap paths against the exact scan', () => {
  it('agrees with the exact count on random lines with colons, quotes, escapes and repeats', () => {
    let seed = 0x2545f491;
    const rnd = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const pieces = ['a', 'b', ':', 'x:y', '\\"', '\\\\', '\\u003a', 'https://h:1', ' ', '2001:db8::1'];
    const str = () => `"${Array.from({ length: rnd(4) }, () => pieces[rnd(pieces.length)]).join('')}"`;
    const value = (depth: number): string =>
      depth > 0 && rnd(4) === 0 ? obj(depth - 1) : [str(), String(rnd(100)), 'true', `[${str()}]`][rnd(4)];
    const obj = (depth: number): string => {
      const keys = Array.from({ length: 1 + rnd(5) }, (_, i) => `"k${i}${rnd(3) === 0 ? ':' : ''}"`);
      if (rnd(3) === 0) keys.push(keys[rnd(keys.length)]); // a repeat
      return `{${keys.map((k) => `${k}${rnd(5) === 0 ? ' ' : ''}:${value(depth)}`).join(',')}}`;
    };
    for (let i = 0; i < 5000; i++) {
      const text = obj(2);
      const parsed = JSON.parse(text);
      expect(hasDuplicateKeys(text, parsed), text).toBe(membersWritten(text) !== membersKept(parsed));
    }
  });
});
