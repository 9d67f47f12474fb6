import { useCallback, useEffect, useState } from 'react';
import { api } from './api';

/** Loads a GET endpoint, reloads when its inputs change or every `refreshMs` (0 = never). */
export function useApi<T>(path: string, params: Record<string, string | number | undefined>, refreshMs = 0) {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const key = `${path}?${JSON.stringify(params)}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` captures path and params.
  const load = useCallback(() => {
    setLoading(true);
    api
      .get<T>(path, params)
      .then((d) => {
        setData(d);
        setError(undefined);
      })
      .catch((e: Error) => setError(e.message))
      .finally(() => setLoading(false));
  }, [key]);
  useEffect(() => {
    load();
    if (refreshMs <= 0) return;
    const t = setInterval(load, refreshMs);
    return () => clearInterval(t);
  }, [load, refreshMs]);
  return { data, error, loading, reload: load };
}
