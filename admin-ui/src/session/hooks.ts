import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, type Variables } from '../api/graphql';
import { useApi } from './SessionContext';

export interface QueryState<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
  setData: (update: (current: T | null) => T | null) => void;
}

export interface QueryOptions<T> {
  /** How often to load again; may depend on the data, e.g. poll fast only while something runs. */
  pollMs?: number | ((data: T | null) => number);
  /**
   * How a loaded result joins what the page shows: a live page gives this, so that a result read
   * from the read model before a live update arrived, but answered after it, does not take the
   * page back. By default the result replaces what is shown.
   */
  merge?: (shown: T | null, loaded: T) => T;
}

/** Runs a query when its variables change; keeps the last data while reloading so live pages do not flicker. */
export function useQuery<T>(document: string, variables: Variables, options: QueryOptions<T> = {}): QueryState<T> {
  const { http } = useApi();
  const [data, setDataState] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(variables);
  const merge = useRef(options.merge);
  merge.current = options.merge;
  useEffect(() => {
    let current = true;
    setLoading(true);
    http
      .request<T>(document, JSON.parse(key) as Variables)
      .then((result) => {
        if (current) {
          const join = merge.current;
          setDataState((shown) => (join ? join(shown, result) : result));
          setError(null);
        }
      })
      .catch((e: unknown) => {
        if (current) setError(e instanceof ApiError ? e : new ApiError(String(e), 'INTERNAL'));
      })
      .finally(() => {
        if (current) setLoading(false);
      });
    return () => {
      current = false;
    };
  }, [http, document, key, generation]);
  const pollMs = typeof options.pollMs === 'function' ? options.pollMs(data) : options.pollMs;
  useEffect(() => {
    if (!pollMs) return;
    const timer = setInterval(() => setGeneration((g) => g + 1), pollMs);
    return () => clearInterval(timer);
  }, [pollMs]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload, setData: setDataState };
}

/** Follows a subscription while mounted; the shared WebSocket reconnects by itself and re-subscribes. */
export function useSubscription<T>(document: string, variables: Variables, onNext: (data: T) => void, enabled = true): void {
  const { subscriptions } = useApi();
  const handler = useRef(onNext);
  handler.current = onNext;
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (!enabled) return;
    return subscriptions.subscribe<T>(
      { query: document, variables: JSON.parse(key) as Variables },
      {
        next: (message) => {
          if (message.data) handler.current(message.data as T);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
  }, [subscriptions, document, key, enabled]);
}

/** A mutation with its pending flag, result and error, for buttons that confirm and then report. */
export function useMutation<T>(document: string) {
  const { http } = useApi();
  const [pending, setPending] = useState(false);
  const run = useCallback(
    async (variables: Variables): Promise<T> => {
      setPending(true);
      try {
        return await http.request<T>(document, variables);
      } finally {
        setPending(false);
      }
    },
    [http, document],
  );
  return { run, pending };
}
