/**
 * Per-call settings on the embedded engine.
 *
 * chdb/connection runs a call's `clickhouse_settings` as `SET k = v; <query>` on the one
 * in-process session that every service of `ja4 up` shares, so a setting outlives its call:
 * an `insert_deduplication_token` would make a later insert without a token look like a
 * replay and be dropped, and the dashboard's `readonly` would forbid every later INSERT.
 * Over HTTP each request has its own settings; this restores that contract in-process:
 * calls run one at a time (the engine executes one query at a time anyway) and the settings
 * a call set are put back to their defaults before the next call starts.
 */

interface Params {
  query?: string;
  clickhouse_settings?: Record<string, unknown>;
}

type Method = (params: Params) => Promise<unknown>;

/**
 * `readonly` is a guard for server deployments; in-process it cannot be undone once set to 2
 * (ClickHouse refuses to change `readonly` in readonly mode), so it is not applied here.
 */
const DROPPED = new Set(['readonly']);

const SCOPED_METHODS = new Set(['query', 'command', 'exec', 'insert']);

export function scopeEmbeddedSettings<C extends object>(
  connection: C,
  clientDefaults: Record<string, unknown>,
): C {
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  const target = connection as Record<string, unknown>;
  const command = (target.command as Method).bind(connection);

  return new Proxy(connection, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      // Bound to the connection itself: its methods use private (#) fields a proxy lacks.
      if (!SCOPED_METHODS.has(String(prop))) return value.bind(obj);
      const method = (value as Method).bind(obj);
      return (params: Params) =>
        serial(async () => {
          const settings = { ...(params.clickhouse_settings ?? {}) };
          for (const key of DROPPED) delete settings[key];
          const scoped = Object.keys(settings).filter(
            (k) => !(k in clientDefaults) && k !== 'default_format',
          );
          try {
            return await method({ ...params, clickhouse_settings: settings });
          } finally {
            if (scoped.length > 0) {
              await command({ query: scoped.map((k) => `SET ${k} = DEFAULT`).join('; ') }).catch(
                () => undefined,
              );
            }
          }
        });
    },
  });
}
