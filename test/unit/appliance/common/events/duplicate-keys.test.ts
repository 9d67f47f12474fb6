import { describe, expect, it } from 'vitest';
import { hasDuplicateKeys, membersWritten } from '../../../../../appliance/common/events/duplicate-keys.js';

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
  ])('accepts %s', (text) => {
    expect(dup(text)).toBe(false);
  });

  it.each([
    '{"a":1,"a":2}',
    '{"client_ip":"203.0.113.9","x":0,"client_ip":"192.0.2.1"}',
    '{"h":{"x-a":"1","x-a":"2"}}',
    '{"a":[{"b":1,"b":1}]}',
    '{"a":1,"\\u0061":2}', // the same name spelled with an escape
  ])('refuses %s', (text) => {
    expect(dup(text)).toBe(true);
  });

  it('counts one member per colon outside strings', () => {
    expect(membersWritten('{"a":":","b":{"c":"\\":"}}')).toBe(3);
  });
});
