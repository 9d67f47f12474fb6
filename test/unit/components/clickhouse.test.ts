import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';

// The component on its own under Pulumi's mocks: what it refuses before registering anything.

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs } }),
      call: () => ({}),
    },
    'ja4-platform',
    'unit',
    false,
  );
});

describe('ClickHouse component', () => {
  it('refuses `default` as the appliance user, which must stay the local dictionary reader', async () => {
    const { ClickHouse } = await import('../../../components/clickhouse.js');
    const make = (username: string) =>
      new ClickHouse(`ch-${username}`, { network: 'net', password: 'pw', username, version: '0.0.0' });
    expect(() => make('default')).toThrow(/must not be "default"/);
    expect(() => make('ja4_admin')).not.toThrow();
  });
});
