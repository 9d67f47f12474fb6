import { podman, startContainer } from './podman.js';
import { podmanContainer } from './podman-args.js';
import type { ProgramRun, ResourceSpec } from './pulumi-specs.js';

/**
 * `pulumi up` for the Docker resources of one program run, done with podman in the order the
 * engine would follow (dependencies first): networks, volumes, image builds, then containers.
 */

const NETWORK = 'docker:index/network:Network';
const VOLUME = 'docker:index/volume:Volume';
const IMAGE = 'docker:index/image:Image';
const CONTAINER = 'docker:index/container:Container';

export interface DeployTimings {
  /** Image name -> build seconds. */
  builds: Record<string, number>;
  /** Container name -> seconds until healthy (waited containers only). */
  healthy: Record<string, number>;
}

const ofType = (run: ProgramRun, type: string) => run.resources.filter((r) => r.type === type);

/** Containers in dependency order: every dependency URN that is a container comes first. */
export function containerOrder(run: ProgramRun): ResourceSpec[] {
  const containers = ofType(run, CONTAINER);
  const byUrn = new Map(containers.map((c) => [c.urn, c]));
  const done = new Set<string>();
  const out: ResourceSpec[] = [];
  const visit = (c: ResourceSpec, path: string[]) => {
    if (done.has(c.urn)) return;
    if (path.includes(c.urn)) throw new Error(`dependency cycle through ${c.name}`);
    for (const d of c.deps) {
      const dep = byUrn.get(d);
      if (dep) visit(dep, [...path, c.urn]);
    }
    done.add(c.urn);
    out.push(c);
  };
  for (const c of containers) visit(c, []);
  return out;
}

/** Builds one docker.Image spec with podman, as the provider would with Docker. */
export function buildImage(spec: ResourceSpec): number {
  const build = spec.inputs.build as { context: string; dockerfile: string; args?: Record<string, string> };
  const name = spec.inputs.imageName as string;
  const started = Date.now();
  const args = Object.entries(build.args ?? {}).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
  podman(['build', '--layers', '-f', build.dockerfile, ...args, '-t', name, build.context], {
    timeoutMs: 1_200_000,
  });
  return (Date.now() - started) / 1000;
}

/** Removes what a previous run of the same stack left (containers, volumes, network). */
export function teardown(run: ProgramRun): void {
  for (const c of containerOrder(run).reverse()) {
    podman(['rm', '-f', '-t', '5', c.inputs.name as string], { nothrow: true });
  }
  for (const v of ofType(run, VOLUME))
    podman(['volume', 'rm', '-f', v.inputs.name as string], { nothrow: true });
  for (const n of ofType(run, NETWORK))
    podman(['network', 'rm', '-f', n.inputs.name as string], { nothrow: true });
}

/** Creates everything the run declares; returns how long the builds and health checks took. */
export async function deploy(run: ProgramRun, log: (line: string) => void): Promise<DeployTimings> {
  const timings: DeployTimings = { builds: {}, healthy: {} };
  for (const n of ofType(run, NETWORK)) {
    podman([
      'network',
      'create',
      '--driver',
      (n.inputs.driver as string) ?? 'bridge',
      n.inputs.name as string,
    ]);
  }
  for (const v of ofType(run, VOLUME)) {
    const labels = ((v.inputs.labels ?? []) as { label: string; value: string }[]).flatMap((l) => [
      '--label',
      `${l.label}=${l.value}`,
    ]);
    podman(['volume', 'create', ...labels, v.inputs.name as string]);
  }
  for (const i of ofType(run, IMAGE)) {
    log(`building ${i.inputs.imageName}`);
    timings.builds[i.inputs.imageName as string] = buildImage(i);
  }
  // Translate every container before starting any: an unsupported input fails fast.
  const containers = containerOrder(run).map((c) => podmanContainer(c.inputs));
  for (const c of containers) {
    log(`starting ${c.name}`);
    const { healthySeconds } = await startContainer(c);
    if (healthySeconds !== undefined) timings.healthy[c.name] = healthySeconds;
  }
  return timings;
}
