import { getContainerRuntimeClient, ImageName } from 'testcontainers';

/**
 * Whether a Docker engine answers and holds `image`. testcontainers suites skip when it does
 * not and say why, so a skip is visible in the report and never hides a failure. The image must
 * be there already: on a host without registry access (the usual CI here, where DOCKER_HOST may
 * point at podman's API socket) a pull can only time out, so an absent image is a skip, not a
 * failure.
 *
 * podman 4.3's Docker API reports a container's exposed-but-unpublished ports as PortBindings,
 * and testcontainers then waits for ports that never open: against podman, publish every
 * exposed port (withExposedPorts) or use podman 4.4 or later.
 */
export async function dockerEngine(
  image?: string,
): Promise<{ available: true } | { available: false; reason: string }> {
  try {
    const client = await Promise.race([
      getContainerRuntimeClient(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 10 s')), 10_000)),
    ]);
    if (image && !(await client.image.exists(ImageName.fromString(image)))) {
      return {
        available: false,
        reason: `image ${image} is not on the engine (${client.info.containerRuntime.host}); pull or load it first`,
      };
    }
    return { available: true };
  } catch (err) {
    return { available: false, reason: (err as Error).message.split('\n')[0] };
  }
}

/** The ClickHouse server image the server-side tests and the Pulumi stacks use. */
export const CLICKHOUSE_IMAGE = 'clickhouse/clickhouse-server:25.8';
