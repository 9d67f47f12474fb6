import { describe, expect, it } from 'vitest';
import { podmanContainer, UnsupportedInputError } from '../../../deploy/lib/podman-args.js';

// The translation of the Docker provider's Container inputs into podman's command line, which
// the deployment suite runs the Pulumi specs through.

const sentinel = {
  name: 'box-sentinel',
  image: 'ja4-appliance:1.0.0',
  command: ['ja4', 'sentinel'],
  user: '0:10001',
  capabilities: { drops: ['ALL'], adds: ['NET_RAW'] },
  securityOpts: ['no-new-privileges:true'],
  init: true,
  networkMode: 'container:box-httpd',
  uploads: [{ file: '/etc/ja4/ja4.yaml', content: 'log: {}\n', permissions: '0444' }],
  mounts: [{ type: 'volume', source: 'box-sockets', target: '/run/ja4' }],
  healthcheck: {
    tests: ['CMD', 'node', '-e', 'process.exit(0)'],
    interval: '15s',
    timeout: '5s',
    retries: 4,
    startPeriod: '20s',
  },
  wait: true,
  waitTimeout: 120,
  restart: 'unless-stopped',
  labels: [{ label: 'ja4.component', value: 'sentinel' }],
  logDriver: 'json-file',
  logOpts: { 'max-size': '20m' },
  memory: 256,
  cpus: '0.5',
};

describe('podmanContainer', () => {
  it('translates every input of a service container, image and command last', () => {
    const c = podmanContainer(sentinel);
    expect(c.args).toEqual([
      '--name',
      'box-sentinel',
      '--cap-drop',
      'ALL',
      '--cap-add',
      'NET_RAW',
      '--security-opt',
      'no-new-privileges:true',
      '--user',
      '0:10001',
      '--init',
      '--network',
      'container:box-httpd',
      '--mount',
      'type=volume,source=box-sockets,target=/run/ja4',
      '--label',
      'ja4.component=sentinel',
      '--restart',
      'unless-stopped',
      '--log-driver',
      'json-file',
      '--log-opt',
      'max-size=20m',
      '--memory',
      '256m',
      '--cpus',
      '0.5',
      '--health-cmd',
      '["node","-e","process.exit(0)"]',
      '--health-interval',
      '15s',
      '--health-timeout',
      '5s',
      '--health-retries',
      '4',
      '--health-start-period',
      '20s',
      'ja4-appliance:1.0.0',
      'ja4',
      'sentinel',
    ]);
    expect(c.uploads).toEqual([
      { file: '/etc/ja4/ja4.yaml', content: 'log: {}\n', permissions: '0444', owner: '0', group: '0' },
    ]);
    expect(c.wait).toBe(true);
    expect(c.waitSeconds).toBe(120);
  });

  it('publishes ports on their address and joins a network with its aliases', () => {
    const c = podmanContainer({
      name: 'box-dashboard',
      image: 'img',
      ports: [
        { internal: 8000, external: 18000, ip: '127.0.0.1' },
        { internal: 8443, external: 443, ip: '::1' },
      ],
      networksAdvanced: [{ name: 'box-net', aliases: ['dashboard'] }],
      groupAdds: ['10001'],
      envs: ['JA4_X=1'],
    });
    expect(c.args).toEqual([
      '--name',
      'box-dashboard',
      '--group-add',
      '10001',
      '--network',
      'box-net',
      '--network-alias',
      'dashboard',
      '--publish',
      '127.0.0.1:18000:8000/tcp',
      '--publish',
      '[::1]:443:8443/tcp',
      '--env',
      'JA4_X=1',
      'img',
    ]);
  });

  it('runs a CMD-SHELL health check through the shell', () => {
    const c = podmanContainer({ name: 'h', image: 'i', healthcheck: { tests: ['CMD-SHELL', 'exit 0'] } });
    expect(c.healthcheck?.cmd).toBe('exit 0');
  });

  it('refuses an input it does not translate, naming it, rather than dropping it', () => {
    expect(() => podmanContainer({ ...sentinel, privileged: true })).toThrow(UnsupportedInputError);
    expect(() => podmanContainer({ ...sentinel, privileged: true, tmpfs: {} })).toThrow(/privileged, tmpfs/);
    expect(() => podmanContainer({ ...sentinel, uploads: [{ file: '/x', source: '/host/x' }] })).toThrow(
      /upload \/x: source/,
    );
    expect(() => podmanContainer({ ...sentinel, mounts: [{ type: 'tmpfs', target: '/t' }] })).toThrow(
      /mount type/,
    );
  });
});
