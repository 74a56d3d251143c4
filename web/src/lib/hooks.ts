// Small React hooks shared by the pages: a ticking clock, debouncing, async loading, pending actions.
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from './api';

/** The current time, refreshed every `intervalMs` (drives countdowns and live expiry). */
export function useNow(intervalMs = 1000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = window.setInterval(() => setNow(new Date()), intervalMs);
    return () => window.clearInterval(t);
  }, [intervalMs]);
  return now;
}

/** `value`, but only after it has stopped changing for `delayMs` (search boxes). */
export function useDebounced<T>(value: T, delayMs = 300): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), delayMs);
    return () => window.clearTimeout(t);
  }, [value, delayMs]);
  return v;
}

export interface AsyncState<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` whenever `deps` change (and on reload()), cancelling the previous run so a slow answer
 * to an old search never overwrites a newer one. Keeps the last data while reloading.
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ac = new AbortController();
    setLoading(true);
    load(ac.signal).then(
      (d) => {
        if (ac.signal.aborted) return;
        setData(d);
        setError(null);
        setLoading(false);
      },
      (e) => {
        if (ac.signal.aborted) return;
        setError(errorMessage(e));
        setLoading(false);
      },
    );
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/**
 * Wraps an action so it cannot run twice at once: `pending` is true while it runs (buttons show
 * progress and are disabled), and a second call while pending is ignored.
 */
export function usePending(): [boolean, <R>(fn: () => Promise<R>) => Promise<R | undefined>] {
  const [pending, setPending] = useState(false);
  const busy = useRef(false);
  const run = useCallback(async <R,>(fn: () => Promise<R>) => {
    if (busy.current) return undefined;
    busy.current = true;
    setPending(true);
    try {
      return await fn();
    } finally {
      busy.current = false;
      setPending(false);
    }
  }, []);
  return [pending, run];
}
