import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, type Params } from './api';

/**
 * Loads a GET endpoint and reloads it when its inputs change or every `refreshMs` (0: never).
 * A new load aborts the one still running, so a slow answer to an older filter can never
 * replace the answer to the current one; aborted loads change nothing. A failed load keeps the
 * data only when it answered the same inputs (a failed refresh): an answer to other inputs would
 * stand under the error as if it were this one's.
 */
export function useApi<T>(path: string | undefined, params: Params, refreshMs = 0) {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const running = useRef<AbortController | undefined>(undefined);
  const dataKey = useRef<string | undefined>(undefined);
  const key = `${path}?${JSON.stringify(params)}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` captures path and params.
  const load = useCallback(() => {
    running.current?.abort();
    if (path === undefined) return;
    const ctl = new AbortController();
    running.current = ctl;
    setLoading(true);
    api
      .get<T>(path, params, ctl.signal)
      .then((d) => {
        if (ctl.signal.aborted) return;
        dataKey.current = key;
        setData(d);
        setError(undefined);
      })
      .catch((e: Error) => {
        if (ctl.signal.aborted || e.name === 'AbortError') return;
        if (e instanceof ApiError && e.status === 401) return;
        if (dataKey.current !== key) {
          dataKey.current = undefined;
          setData(undefined);
        }
        setError(e.message);
      })
      .finally(() => {
        if (!ctl.signal.aborted) setLoading(false);
      });
  }, [key]);
  useEffect(() => {
    load();
    const t = refreshMs > 0 ? setInterval(load, refreshMs) : undefined;
    return () => {
      clearInterval(t);
      running.current?.abort();
    };
  }, [load, refreshMs]);
  return { data, error, loading, reload: load };
}

/** A value that follows `value` once it has stopped changing for `ms`. */
export function useDebounced<V>(value: V, ms: number): V {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}
