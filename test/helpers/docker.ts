import { getContainerRuntimeClient } from 'testcontainers';

/**
 * Whether a Docker engine answers. testcontainers suites skip when none does and say why, so a
 * skip is visible in the report and never hides a failure.
 */
export async function dockerEngine(): Promise<{ available: true } | { available: false; reason: string }> {
  try {
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 10 s')), 10_000)),
    ]);
    return { available: true };
  } catch (err) {
    return { available: false, reason: (err as Error).message.split('\n')[0] };
  }
}

/** The ClickHouse server image the server-side tests and the Pulumi stacks use. */
export const CLICKHOUSE_IMAGE = 'clickhouse/clickhouse-server:25.8';
