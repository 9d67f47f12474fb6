/**
 * The Docker provider's Container inputs (docker:index/container:Container) as a podman
 * command line: the translation the deployment suite runs the Pulumi specs through. Pure, so
 * each rule is unit-tested. An input it does not know is refused, never dropped: a new key in a
 * component must be translated here before the suite can pass, so what runs is what is declared.
 */

export interface Upload {
  file: string;
  content: string;
  permissions: string;
  owner: string;
  group: string;
}

export interface Healthcheck {
  /** podman's --health-cmd: a JSON array for CMD, a shell string for CMD-SHELL. */
  cmd: string;
  interval?: string;
  timeout?: string;
  retries?: number;
  startPeriod?: string;
}

export interface PodmanContainer {
  name: string;
  /** `podman create` arguments (without `create`), image and command included. */
  args: string[];
  /** Files to place before the first start (the provider's `uploads`). */
  uploads: Upload[];
  healthcheck?: Healthcheck;
  /** `wait: true`: the deployment waits for the health check, for at most waitSeconds. */
  wait: boolean;
  waitSeconds: number;
}

export class UnsupportedInputError extends Error {
  readonly code = 'JA4_ERR_DEPLOY_INPUT';
}

type Inputs = Record<string, unknown>;

const HANDLED = new Set([
  'name',
  'image',
  'command',
  'entrypoint',
  'user',
  'groupAdds',
  'envs',
  'uploads',
  'mounts',
  'ports',
  'networksAdvanced',
  'networkMode',
  'capabilities',
  'securityOpts',
  'init',
  'healthcheck',
  'wait',
  'waitTimeout',
  'restart',
  'labels',
  'logDriver',
  'logOpts',
  'memory',
  'cpus',
  // Pulumi's own bookkeeping on every resource, not a container setting.
  '__defaults',
]);

const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string' || v === '')
    throw new UnsupportedInputError(`${what} must be a non-empty string`);
  return v;
};

function healthcheckOf(raw: unknown): Healthcheck | undefined {
  if (raw === undefined) return undefined;
  const h = raw as {
    tests: string[];
    interval?: string;
    timeout?: string;
    retries?: number;
    startPeriod?: string;
  };
  const [kind, ...rest] = h.tests;
  let cmd: string;
  if (kind === 'CMD') cmd = JSON.stringify(rest);
  else if (kind === 'CMD-SHELL') cmd = rest.join(' ');
  else throw new UnsupportedInputError(`healthcheck.tests must start with CMD or CMD-SHELL (got ${kind})`);
  return { cmd, interval: h.interval, timeout: h.timeout, retries: h.retries, startPeriod: h.startPeriod };
}

function mountArgs(raw: unknown): string[] {
  return list<{ type: string; source?: string; target: string; readOnly?: boolean }>(raw).flatMap((m) => {
    if (m.type !== 'volume' && m.type !== 'bind') throw new UnsupportedInputError(`mount type ${m.type}`);
    const parts = [`type=${m.type}`, `source=${str(m.source, 'mount source')}`, `target=${m.target}`];
    if (m.readOnly) parts.push('readonly=true');
    return ['--mount', parts.join(',')];
  });
}

function portArgs(raw: unknown): string[] {
  return list<{ internal: number; external?: number; ip?: string; protocol?: string }>(raw).flatMap((p) => {
    const host = `${p.ip ? `${p.ip.includes(':') ? `[${p.ip}]` : p.ip}:` : ''}${p.external ?? ''}`;
    return ['--publish', `${host}:${p.internal}/${p.protocol ?? 'tcp'}`];
  });
}

function networkArgs(inputs: Inputs): string[] {
  if (inputs.networkMode !== undefined) {
    if (inputs.networksAdvanced !== undefined && list(inputs.networksAdvanced).length > 0) {
      throw new UnsupportedInputError('networkMode and networksAdvanced together');
    }
    return ['--network', str(inputs.networkMode, 'networkMode')];
  }
  const nets = list<{ name: string; aliases?: string[] }>(inputs.networksAdvanced);
  if (nets.length > 1) throw new UnsupportedInputError('more than one network');
  return nets.flatMap((n) => [
    '--network',
    n.name,
    ...(n.aliases ?? []).flatMap((a) => ['--network-alias', a]),
  ]);
}

function securityArgs(inputs: Inputs): string[] {
  const caps = (inputs.capabilities ?? {}) as { drops?: string[]; adds?: string[] };
  return [
    ...(caps.drops ?? []).flatMap((c) => ['--cap-drop', c]),
    ...(caps.adds ?? []).flatMap((c) => ['--cap-add', c]),
    ...list<string>(inputs.securityOpts).flatMap((o) => ['--security-opt', o]),
    ...(inputs.user !== undefined ? ['--user', str(inputs.user, 'user')] : []),
    ...list<string>(inputs.groupAdds).flatMap((g) => ['--group-add', g]),
    ...(inputs.init ? ['--init'] : []),
  ];
}

function runtimeArgs(inputs: Inputs): string[] {
  const logOpts = (inputs.logOpts ?? {}) as Record<string, string>;
  return [
    ...list<string>(inputs.envs).flatMap((e) => ['--env', e]),
    ...list<{ label: string; value: string }>(inputs.labels).flatMap((l) => [
      '--label',
      `${l.label}=${l.value}`,
    ]),
    ...(inputs.restart !== undefined ? ['--restart', str(inputs.restart, 'restart')] : []),
    ...(inputs.logDriver !== undefined ? ['--log-driver', str(inputs.logDriver, 'logDriver')] : []),
    ...Object.entries(logOpts).flatMap(([k, v]) => ['--log-opt', `${k}=${v}`]),
    ...(inputs.memory !== undefined ? ['--memory', `${inputs.memory}m`] : []),
    ...(inputs.cpus !== undefined ? ['--cpus', String(inputs.cpus)] : []),
  ];
}

/** The podman create command, uploads and wait of one Container resource's inputs. */
export function podmanContainer(inputs: Inputs): PodmanContainer {
  const unknown = Object.keys(inputs).filter((k) => !HANDLED.has(k) && inputs[k] !== undefined);
  if (unknown.length > 0) {
    throw new UnsupportedInputError(`container input(s) the suite does not translate: ${unknown.join(', ')}`);
  }
  const name = str(inputs.name, 'name');
  const healthcheck = healthcheckOf(inputs.healthcheck);
  const entrypoint = list<string>(inputs.entrypoint);
  const args = [
    '--name',
    name,
    ...securityArgs(inputs),
    ...networkArgs(inputs),
    ...portArgs(inputs.ports),
    ...mountArgs(inputs.mounts),
    ...runtimeArgs(inputs),
    ...(healthcheck ? healthArgs(healthcheck) : []),
    ...(entrypoint.length > 0 ? ['--entrypoint', JSON.stringify(entrypoint)] : []),
    str(inputs.image, 'image'),
    ...list<string>(inputs.command),
  ];
  type RawUpload = { file: string; content?: string; permissions?: string; owner?: string; group?: string };
  const uploads = list<RawUpload & Record<string, unknown>>(inputs.uploads).map((u) => {
    const extra = Object.keys(u).filter(
      (k) => !['file', 'content', 'permissions', 'owner', 'group'].includes(k),
    );
    if (extra.length > 0) throw new UnsupportedInputError(`upload ${u.file}: ${extra.join(', ')}`);
    return {
      file: u.file,
      content: u.content ?? '',
      permissions: u.permissions ?? '0644',
      owner: u.owner ?? '0',
      group: u.group ?? '0',
    };
  });
  return {
    name,
    args,
    uploads,
    healthcheck,
    wait: inputs.wait === true,
    waitSeconds: typeof inputs.waitTimeout === 'number' ? inputs.waitTimeout : 60,
  };
}

function healthArgs(h: Healthcheck): string[] {
  return [
    '--health-cmd',
    h.cmd,
    ...(h.interval ? ['--health-interval', h.interval] : []),
    ...(h.timeout ? ['--health-timeout', h.timeout] : []),
    ...(h.retries !== undefined ? ['--health-retries', String(h.retries)] : []),
    ...(h.startPeriod ? ['--health-start-period', h.startPeriod] : []),
  ];
}
