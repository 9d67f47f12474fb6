import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type ProgramRun, programSpecs } from '../../deploy/lib/pulumi-specs.js';

// The single-box stack (deployment.engine: embedded) under the mock monitor: what it declares,
// and what it must not (a ClickHouse server, jobs, a password).

const CONTAINER = 'docker:index/container:Container';
let run: ProgramRun;

const containers = () => run.resources.filter((r) => r.type === CONTAINER);
const byName = (name: string) => {
  const found = run.resources.find((r) => r.inputs.name === name);
  if (!found) throw new Error(`no resource named ${name}`);
  return found;
};

beforeAll(async () => {
  // No clickhousePassword: the embedded engine has no network users, and the program must not ask.
  run = await programSpecs({ stack: 'single', secrets: { dashboardAdminPassword: 'admin-pass-1' } });
}, 60_000);

describe('stacks/Pulumi.single.yaml (embedded engine)', () => {
  it('declares the ja4 up container, httpd and the sentinel, and no ClickHouse server or jobs', () => {
    expect(containers().map((c) => c.inputs.name)).toEqual([
      'ja4-single-appliance-service',
      'ja4-single-apache-httpd',
      'ja4-single-apache-sentinel',
    ]);
    expect(run.resources.some((r) => r.type === 'docker:index/remoteImage:RemoteImage')).toBe(false);
    expect(
      run.resources.filter((r) => r.type === 'docker:index/image:Image').map((r) => r.inputs.imageName),
    ).toEqual([expect.stringMatching(/^ja4-appliance:/), expect.stringMatching(/^ja4-httpd:/)]);
  });

  it('runs ja4 up hardened, with its state and the sockets in volumes and the dashboard on loopback', () => {
    const app = byName('ja4-single-appliance-service').inputs;
    expect(app.command).toEqual(['ja4', 'up', '--no-seed', '--no-sentinel']);
    expect(app.user).toBe('10001:10001');
    expect(app.capabilities).toEqual({ drops: ['ALL'] });
    expect(app.securityOpts).toEqual(['no-new-privileges:true']);
    expect(app.mounts).toEqual([
      { type: 'volume', source: 'ja4-single-sockets', target: '/run/ja4' },
      { type: 'volume', source: 'ja4-single-appliance-state', target: '/var/lib/ja4' },
    ]);
    expect(app.ports).toEqual([{ internal: 8000, external: 8000, ip: '127.0.0.1' }]);
    expect(app.envs).toEqual(['JA4_DASHBOARD_ADMIN_PASSWORD=admin-pass-1']);
    const [upload] = app.uploads as { file: string; content: string }[];
    const config = parseYaml(upload.content) as {
      clickhouse: { url: string };
      detector: { host: string; state_dir: string };
    };
    expect(upload.file).toBe('/etc/ja4/ja4.yaml');
    expect(config.clickhouse.url).toBe('embedded:/var/lib/ja4/clickhouse');
    // In-process dashboard: the detector API stays on loopback, its token in the state volume.
    expect(config.detector).toMatchObject({ host: '127.0.0.1', state_dir: '/var/lib/ja4/detector' });
  });

  it('starts httpd after ja4 up and puts the sentinel in httpd’s network namespace with NET_RAW only', () => {
    const app = byName('ja4-single-appliance-service');
    const httpd = byName('ja4-single-apache-httpd');
    const sentinel = byName('ja4-single-apache-sentinel');
    expect(httpd.deps).toContain(app.urn);
    expect(sentinel.deps).toContain(httpd.urn);
    expect(sentinel.inputs.networkMode).toBe('container:ja4-single-apache-httpd');
    expect(sentinel.inputs.capabilities).toEqual({ drops: ['ALL'], adds: ['NET_RAW'] });
    expect(sentinel.inputs.envs ?? []).toEqual([]);
  });

  it('exports the embedded endpoint and no password', () => {
    expect(run.exports.clickhouseEndpoint).toBe('embedded:/var/lib/ja4/clickhouse');
    expect(run.exports.clickhousePassword).toBe('');
    expect(run.exports.dashboardUrl).toBe('http://localhost:8000');
  });
});
