import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { configSchema } from '../../../appliance/common/config/schema.js';
import { parseDeployment } from '../../../components/deployment-config.js';
import { derivedDetectorToken } from '../../../components/detector.js';

// Runs the real program entry (components/index.ts) once per stack file against Pulumi's mock
// monitor and asserts on the resource graph it registers: types, names, inputs, dependencies.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const STACKS = ['dev', 'staging', 'prod'] as const;
const PROJECT = 'ja4-platform';
const CONTAINER = 'docker:index/container:Container';
/** Stack keys the program reads that are not secrets. */
const PLAIN_KEYS = ['deployment', 'appliance', 'tlsCertificate'];

/** Distinct random values, so a leak is found wherever it ends up. */
const SECRETS = {
  clickhousePassword: `ch-${randomBytes(12).toString('hex')}`,
  dashboardSessionSecret: `ss-${randomBytes(12).toString('hex')}`,
  dashboardAdminPassword: `ap-${randomBytes(12).toString('hex')}`,
  tlsPrivateKey: `-----BEGIN PRIVATE KEY-----\n${randomBytes(24).toString('base64')}\n-----END PRIVATE KEY-----`,
};

interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  urn: string;
  parent: string;
  deps: string[];
}

interface StackRun {
  file: Record<string, unknown>;
  resources: Recorded[];
  exports: Record<string, { value: unknown; secret: boolean }>;
}

function stackFile(stack: string): Record<string, unknown> {
  const doc = parseYaml(readFileSync(join(ROOT, 'stacks', `Pulumi.${stack}.yaml`), 'utf8')) as {
    config: Record<string, unknown>;
  };
  return doc.config;
}

function unwrap<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

async function runStack(stack: string): Promise<StackRun> {
  // Inputs as the monitor received them (secret wrappers kept), by resource name.
  const inputsByName = new Map<string, Record<string, unknown>>();
  const pending: Recorded[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        inputsByName.set(args.name, args.inputs);
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === 'docker:index/image:Image') {
          state.repoDigest = `${args.inputs.imageName}@sha256:${'a'.repeat(64)}`;
        }
        if (args.type === 'docker:index/remoteImage:RemoteImage') state.imageId = `sha256:${'b'.repeat(64)}`;
        if (args.type === CONTAINER) Object.assign(state, { exitCode: 0, containerLogs: '' });
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        throw new Error(`unexpected provider call ${args.token}`);
      },
    },
    PROJECT,
    stack,
    false,
  );
  // The mock API hides dependencies; read them from the request the SDK sends to the monitor,
  // which is exactly what the engine would order the deployment by.
  type Req = {
    getType(): string;
    getName(): string;
    getParent(): string;
    getDependenciesList(): string[];
  };
  type Cb = (err: unknown, resp?: { getUrn(): string }) => void;
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: Req, cb: Cb): void };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const rec: Recorded = {
      type: req.getType(),
      name: req.getName(),
      inputs: {},
      urn: '',
      parent: req.getParent(),
      deps: req.getDependenciesList(),
    };
    pending.push(rec);
    original(req, (err, resp) => {
      if (resp) {
        rec.urn = resp.getUrn();
      }
      cb(err, resp);
    });
  };

  const file = stackFile(stack);
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(file)) config[key] = JSON.stringify(value);
  for (const [key, value] of Object.entries(SECRETS)) config[`${PROJECT}:${key}`] = value;
  config[`${PROJECT}:tlsCertificate`] = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
  pulumi.runtime.setAllConfig(
    config,
    Object.keys(SECRETS).map((k) => `${PROJECT}:${k}`),
  );

  vi.resetModules();
  const program = (await import('../../../components/index.js')) as Record<string, unknown>;
  const exports: StackRun['exports'] = {};
  for (const [key, value] of Object.entries(program)) {
    if (pulumi.Output.isInstance(value)) {
      exports[key] = { value: await unwrap(value), secret: await pulumi.isSecret(value) };
    } else {
      exports[key] = { value, secret: false };
    }
  }
  await pulumi.runtime.disconnect();
  // newResource saw the inputs; the monitor wrapper saw the dependencies. Join them by name.
  for (const r of pending) r.inputs = inputsByName.get(r.name) ?? {};
  return { file, resources: pending, exports };
}

const isSecretWrapper = (v: unknown): boolean =>
  typeof v === 'object' &&
  v !== null &&
  (v as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;

/** Paths where a secret value appears outside a secret wrapper. */
function leaks(value: unknown, secrets: string[], path = ''): string[] {
  if (isSecretWrapper(value)) return [];
  if (typeof value === 'string') return secrets.some((s) => value.includes(s)) ? [path || '(root)'] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaks(v, secrets, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => leaks(v, secrets, path ? `${path}.${k}` : k));
  }
  return [];
}

function plain(value: unknown): unknown {
  if (isSecretWrapper(value)) return plain((value as { value: unknown }).value);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

describe('stack files', () => {
  for (const stack of STACKS) {
    it(`Pulumi.${stack}.yaml: the appliance config validates against configSchema`, () => {
      const file = stackFile(stack);
      const appliance = file[`${PROJECT}:appliance`];
      expect(appliance, 'appliance key present').toBeTypeOf('object');
      const result = configSchema.safeParse(appliance);
      expect(result.success ? 'ok' : JSON.stringify(result.error.issues[0])).toBe('ok');
      expect(() => parseDeployment(file[`${PROJECT}:deployment`])).not.toThrow();
      // Known keys only, and a secret key only ever holds ciphertext (`pulumi config set --secret`).
      for (const [key, value] of Object.entries(file)) {
        const [ns, name] = key.split(':');
        if (ns === 'docker') continue; // provider settings such as docker:host
        expect(ns, key).toBe(PROJECT);
        expect([...PLAIN_KEYS, ...Object.keys(SECRETS)], key).toContain(name);
        if (name in SECRETS) expect(value, key).toMatchObject({ secure: expect.any(String) });
      }
    });
  }

  it('the schema check can fail: an out-of-range retention is rejected', () => {
    const appliance = structuredClone(stackFile('dev')[`${PROJECT}:appliance`]) as {
      retention: { http_logs_days: number };
    };
    appliance.retention.http_logs_days = 0;
    expect(configSchema.safeParse(appliance).success).toBe(false);
  });
});

describe.each(STACKS)('resource graph of stack %s', (stack) => {
  let run: StackRun;
  const named = (suffix: string) => run.resources.filter((r) => r.name.endsWith(suffix));
  const one = (suffix: string) => {
    const found = named(suffix);
    expect(found.map((r) => r.name)).toHaveLength(1);
    return found[0];
  };

  beforeAll(async () => {
    run = await runStack(stack);
  }, 60_000);

  it('registers every part under ja4:index components', () => {
    const types = new Set(run.resources.map((r) => r.type));
    for (const t of ['Appliance', 'ClickHouse', 'Migrations', 'Dictionaries', 'ApacheHost']) {
      expect(types).toContain(`ja4:index:${t}`);
    }
    for (const t of ['Correlator', 'Detector', 'Dashboard']) expect(types).toContain(`ja4:index:${t}`);
  });

  it('tags every built image with the appliance version and runs containers by digest', () => {
    const images = run.resources.filter((r) => r.type === 'docker:index/image:Image');
    expect(images).toHaveLength(2);
    for (const image of images) expect(image.inputs.imageName).toMatch(new RegExp(`:${VERSION}$`));
    const containers = run.resources.filter((r) => r.type === CONTAINER && !r.name.endsWith('-server'));
    expect(containers.length).toBeGreaterThanOrEqual(7);
    for (const c of containers) {
      expect(c.inputs.image, c.name).toMatch(new RegExp(`:${VERSION}@sha256:[0-9a-f]{64}$`));
    }
    const remote = one('-clickhouse-image');
    expect(remote.inputs.name).toMatch(/^clickhouse\/clickhouse-server:\d+\.\d+\.\d+\.\d+/);
  });

  it('runs migrations after a healthy ClickHouse, and services after migrations', () => {
    const server = one('-clickhouse-server');
    expect(server.inputs.wait).toBe(true);
    expect((server.inputs.healthcheck as { tests: string[] }).tests.length).toBeGreaterThan(1);
    const migrations = one('-migrations-job');
    expect(migrations.inputs.command).toEqual(['ja4', 'migrate', 'up']);
    expect(migrations.deps).toContain(server.urn);
    const dictionaries = one('-dictionaries-job');
    expect(dictionaries.deps).toContain(migrations.urn);
    const services = run.resources.filter(
      (r) => r.type === CONTAINER && /-(correlator|detector|dashboard)-service(-\d+)?$/.test(r.name),
    );
    expect(services.length).toBeGreaterThanOrEqual(3);
    for (const s of services) {
      expect(s.deps, s.name).toContain(migrations.urn);
      expect(s.deps, s.name).toContain(dictionaries.urn);
      expect(s.inputs.healthcheck, s.name).toBeTruthy();
      expect(s.inputs.restart, s.name).toBe('unless-stopped');
      expect(s.inputs.wait, s.name).toBe(true);
    }
    // Apache connects to the correlator's sockets, so it comes after a healthy correlator.
    expect(one('-apache-httpd').deps).toContain(one('-correlator-service').urn);
  });

  it('puts the sentinel in the Apache container network namespace with only NET_RAW added', () => {
    const httpd = one('-apache-httpd');
    const sentinel = one('-apache-sentinel');
    expect(sentinel.inputs.networkMode).toBe(`container:${httpd.name}-id`);
    expect(sentinel.inputs.capabilities).toEqual({ adds: ['NET_RAW'], drops: ['ALL'] });
    expect(sentinel.inputs.privileged).toBeUndefined();
    expect(sentinel.inputs.command).toEqual(['ja4', 'sentinel']);
    expect(sentinel.deps).toContain(httpd.urn);
    // Sockets on one shared volume: correlator, httpd and sentinel mount the same source.
    const correlator = one('-correlator-service');
    const socketSource = (r: Recorded) =>
      (r.inputs.mounts as { source: string; target: string }[]).find((m) => m.target === '/run/ja4')?.source;
    expect(socketSource(correlator)).toBeTruthy();
    expect(socketSource(httpd)).toBe(socketSource(correlator));
    expect(socketSource(sentinel)).toBe(socketSource(correlator));
  });

  it('keeps the ClickHouse password and every other secret secret in every input and output', () => {
    const values = Object.values(SECRETS);
    for (const r of run.resources) expect(leaks(r.inputs, values), `${r.type} ${r.name}`).toEqual([]);
    for (const [key, out] of Object.entries(run.exports)) {
      if (leaks(out.value, values).length > 0) expect(out.secret, `export ${key}`).toBe(true);
    }
    expect(run.exports.clickhousePassword).toEqual({ value: SECRETS.clickhousePassword, secret: true });
    // The password does reach the server and the jobs (as a secret), or the test proves nothing.
    const server = one('-clickhouse-server');
    expect(JSON.stringify(plain(server.inputs.envs))).toContain(SECRETS.clickhousePassword);
    expect(JSON.stringify(plain(one('-migrations-job').inputs.envs))).toContain(SECRETS.clickhousePassword);
    expect(JSON.stringify(plain(one('-apache-sentinel').inputs))).not.toContain(SECRETS.clickhousePassword);
  });

  it('gives the detector API token to the detector and the dashboards only, as a secret', async () => {
    const token = await unwrap(derivedDetectorToken(SECRETS.clickhousePassword));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token).not.toContain(SECRETS.clickhousePassword);
    for (const r of run.resources) expect(leaks(r.inputs, [token]), `${r.type} ${r.name}`).toEqual([]);
    const services = run.resources.filter((r) => r.type === CONTAINER && Array.isArray(plain(r.inputs.envs)));
    const holders = services
      .filter((r) => (plain(r.inputs.envs) as string[]).includes(`JA4_DETECTOR_API_TOKEN=${token}`))
      .map((r) => r.name.replace(/^.*?-(detector|dashboard)-service.*$/, '$1'));
    const dep = parseDeployment(run.file[`${PROJECT}:deployment`]);
    expect(holders.sort()).toEqual(
      ['dashboard', ...Array(dep.dashboard.replicas - 1).fill('dashboard'), 'detector'].sort(),
    );
    // The detector listens on the appliance network, where the dashboard finds it.
    const upload = (one('-dashboard-service').inputs.uploads as { content: unknown }[])[0];
    const parsed = configSchema.parse(parseYaml(plain(upload.content) as string));
    expect(parsed.detector.host).toBe('0.0.0.0');
    expect(parsed.detector.api_token).toBe('');
    expect(parsed.dashboard.detector_url).toBe(`http://detector:${parsed.detector.port}`);
  });

  it('keeps `default` for the dictionaries: a loopback-only users.d file on the server, no secret in it', () => {
    const server = one('-clickhouse-server');
    const uploads = server.inputs.uploads as { file: string; content: unknown; permissions?: string }[];
    const users = uploads.find((u) => u.file === '/etc/clickhouse-server/users.d/ja4-users.xml');
    expect(users, 'users.d upload').toBeTruthy();
    // Plain text, not a secret wrapper: it needs no secret, so it holds none.
    expect(isSecretWrapper(users?.content)).toBe(false);
    const xml = users?.content as string;
    for (const secret of Object.values(SECRETS)) expect(xml).not.toContain(secret);
    expect(xml).toMatch(/<users>\s*<default>\s*<password><\/password>/);
    expect([...xml.matchAll(/<ip>([^<]+)<\/ip>/g)].map((m) => m[1]).sort()).toEqual(['127.0.0.1', '::1']);
    expect(xml).toMatch(/<query>GRANT SELECT ON ja4_processing\.dict_ip_asn_source<\/query>/);
    expect(users?.permissions).toBe('0444');
    // The appliance itself logs in as its own passworded user, which the entrypoint creates.
    const envs = plain(server.inputs.envs) as string[];
    expect(envs).toContain('CLICKHOUSE_USER=ja4');
    expect(envs.some((e) => e.startsWith('CLICKHOUSE_SKIP_USER_SETUP'))).toBe(false);
    const upload = (one('-migrations-job').inputs.uploads as { content: unknown }[])[0];
    expect(configSchema.parse(parseYaml(plain(upload.content) as string)).clickhouse.username).toBe('ja4');
  });

  it('uploads a config file that the appliance schema accepts, pointing at the server', () => {
    const upload = (one('-detector-service').inputs.uploads as { file: string; content: string }[])[0];
    expect(upload.file).toBe('/etc/ja4/ja4.yaml');
    const parsed = configSchema.parse(parseYaml(plain(upload.content) as string));
    expect(parsed.clickhouse.url).toBe('http://clickhouse:8123');
    expect(parsed.clickhouse.password).toBe('');
    const stackRetention = (run.file[`${PROJECT}:appliance`] as { retention: { http_logs_days: number } })
      .retention.http_logs_days;
    expect(parsed.retention.http_logs_days).toBe(stackRetention);
  });

  it('publishes one dashboard port per replica and exports its URL and the ClickHouse endpoint', () => {
    const dep = parseDeployment(run.file[`${PROJECT}:deployment`]);
    const dashboards = named('-dashboard-service').concat(
      run.resources.filter((r) => /-dashboard-service-\d+$/.test(r.name)),
    );
    expect(dashboards).toHaveLength(dep.dashboard.replicas);
    const published = dashboards.map((d) => (d.inputs.ports as { external: number }[])[0].external).sort();
    expect(published).toEqual(
      Array.from({ length: dep.dashboard.replicas }, (_, i) => dep.dashboard.port + i),
    );
    expect(run.exports.dashboardUrl.value).toBe(`http://${dep.dashboard.public_host}:${dep.dashboard.port}`);
    expect(run.exports.clickhouseEndpoint.value).toBe('http://clickhouse:8123');
    expect(run.exports.version.value).toBe(VERSION);
    expect(run.exports.appliedMigrationVersion.value).toMatch(/^\d{4}$/);
  });
});
