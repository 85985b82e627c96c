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

/**
 * Runs a query when its variables change; keeps the last data while reloading so live pages do not flicker.
 * {@code pollMs} may depend on the data, e.g. poll fast only while something runs.
 */
export function useQuery<T>(document: string, variables: Variables, options: { pollMs?: number | ((data: T | null) => number) } = {}): QueryState<T> {
  const { http } = useApi();
  const [data, setDataState] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(variables);
  useEffect(() => {
    let current = true;
    setLoading(true);
    http
      .request<T>(document, JSON.parse(key) as Variables)
      .then((result) => {
        if (current) {
          setDataState(result);
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
