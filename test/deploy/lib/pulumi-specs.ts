import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pulumi from '@pulumi/pulumi';
import { parse as parseYaml } from 'yaml';

/**
 * Runs the real Pulumi program (components/index.ts) for a stack file under
 * pulumi.runtime.setMocks and returns every resource it declares with its inputs in plain form
 * (secrets unwrapped) and the URNs it depends on: exactly what `pulumi up` would send to the
 * Docker provider. The deployment suite runs these specs with podman; nothing is copied by hand.
 */

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PROJECT = 'ja4-platform';

export interface ResourceSpec {
  type: string;
  name: string;
  urn: string;
  /** URNs of the resources this one depends on (dependsOn and input dependencies). */
  deps: string[];
  inputs: Record<string, unknown>;
}

export interface ProgramRun {
  resources: ResourceSpec[];
  exports: Record<string, unknown>;
}

export interface ProgramOptions {
  /** The stack file: stacks/Pulumi.<stack>.yaml. */
  stack: string;
  /** Deep-merged over the file's `deployment` and `appliance` keys (ports, names for a test). */
  deployment?: Record<string, unknown>;
  appliance?: Record<string, unknown>;
  /** Secret stack keys (clickhousePassword, dashboardAdminPassword, ...). */
  secrets?: Record<string, string>;
}

function merge(base: unknown, over: unknown): unknown {
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return over ?? base;
  if (typeof over !== 'object' || over === null || Array.isArray(over)) return over ?? base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = merge(out[k], v);
  return out;
}

const isSecret = (v: unknown): v is { value: unknown } =>
  typeof v === 'object' &&
  v !== null &&
  (v as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;

/** The value with every secret wrapper replaced by what it wraps. */
export function plain(value: unknown): unknown {
  if (isSecret(value)) return plain(value.value);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

const unwrap = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));

type Req = { getType(): string; getName(): string; getDependenciesList(): string[] };
type Cb = (err: unknown, resp?: { getUrn(): string }) => void;

/** Resources and exports of the program for one stack, as the engine would receive them. */
export async function programSpecs(opts: ProgramOptions): Promise<ProgramRun> {
  const inputsByName = new Map<string, Record<string, unknown>>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        inputsByName.set(args.name, args.inputs);
        const state: Record<string, unknown> = { ...args.inputs };
        // A locally built image is referenced by its tag (no registry, so no digest to pin).
        if (args.type === 'docker:index/image:Image') state.repoDigest = args.inputs.imageName;
        // The engine's container id; a container name works wherever an id does.
        const id = typeof args.inputs.name === 'string' ? args.inputs.name : `${args.name}-id`;
        return { id, state };
      },
      call(args) {
        throw new Error(`unexpected provider call ${args.token}`);
      },
    },
    PROJECT,
    opts.stack,
    false,
  );
  const recorded: ResourceSpec[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: Req, cb: Cb): void };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const rec: ResourceSpec = {
      type: req.getType(),
      name: req.getName(),
      urn: '',
      deps: req.getDependenciesList(),
      inputs: {},
    };
    recorded.push(rec);
    original(req, (err, resp) => {
      if (resp) rec.urn = resp.getUrn();
      cb(err, resp);
    });
  };

  const file = (
    parseYaml(readFileSync(join(REPO_ROOT, 'stacks', `Pulumi.${opts.stack}.yaml`), 'utf8')) as {
      config: Record<string, unknown>;
    }
  ).config;
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(file)) config[key] = JSON.stringify(value);
  const dk = `${PROJECT}:deployment`;
  const ak = `${PROJECT}:appliance`;
  config[dk] = JSON.stringify(merge(file[dk], opts.deployment ?? {}));
  config[ak] = JSON.stringify(merge(file[ak] ?? {}, opts.appliance ?? {}));
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(opts.secrets ?? {})) {
    config[`${PROJECT}:${key}`] = value;
    secretKeys.push(`${PROJECT}:${key}`);
  }
  pulumi.runtime.setAllConfig(config, secretKeys);

  const program = (await import('../../../components/index.js')) as Record<string, unknown>;
  const exports: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(program)) {
    exports[key] = pulumi.Output.isInstance(value) ? await unwrap(value) : value;
  }
  await pulumi.runtime.disconnect();
  for (const r of recorded) r.inputs = plain(inputsByName.get(r.name) ?? {}) as Record<string, unknown>;
  return { resources: recorded, exports };
}
