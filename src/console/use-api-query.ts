"use client";

import { useCallback, useEffect, useState } from "react";
import { ApiError, apiGet, BAD_RESPONSE, isApiError } from "./api-client";
import { useSession } from "./session-provider";

export interface ApiQuery<T> {
  data: T | undefined;
  /** The last failure; cleared by the next success. */
  error: ApiError | undefined;
  /** True until the first answer (success or failure) arrives. */
  isLoading: boolean;
  /** True while a reload runs with data already shown. */
  isRefreshing: boolean;
  /** Fetches again, keeping the current data on screen meanwhile. */
  reload: () => void;
  /** Replaces the data locally (optimistic updates, results of a mutation). */
  setData: (update: (current: T | undefined) => T | undefined) => void;
}

/**
 * Loads `path` from the admin API once the session is known (and again on reload), aborting on unmount.
 * A 401 sends the browser to sign-in instead of showing an error. `select` shapes the raw body;
 * pass a stable (module-level) function.
 */
export function useApiQuery<T>(path: string, select: (body: unknown) => T): ApiQuery<T> {
  const { redirectToSignIn, ready } = useSession();
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean; refreshing: boolean }>({
    loading: true,
    refreshing: false,
  });
  const [version, setVersion] = useState(0);

  useEffect(() => {
    // Not before the session is known: signed out, the call could only answer 401.
    if (!ready) return;
    const controller = new AbortController();
    apiGet<unknown>(path, { signal: controller.signal })
      .then((body) => select(body))
      .then(
        (data) => setState({ data, loading: false, refreshing: false }),
        (error: unknown) => {
          if (controller.signal.aborted) return;
          if (isApiError(error) && error.status === 401) {
            redirectToSignIn();
            return;
          }
          const failure = isApiError(error)
            ? error
            : new ApiError(0, BAD_RESPONSE, error instanceof Error ? error.message : String(error));
          setState((current) => ({ ...current, error: failure, loading: false, refreshing: false }));
        },
      );
    return () => controller.abort();
  }, [path, select, version, redirectToSignIn, ready]);

  const reload = useCallback(() => {
    setState((current) => ({
      ...current,
      refreshing: current.data !== undefined,
      loading: current.data === undefined,
    }));
    setVersion((v) => v + 1);
  }, []);

  const setData = useCallback((update: (current: T | undefined) => T | undefined) => {
    setState((current) => ({ ...current, data: update(current.data) }));
  }, []);

  return {
    data: state.data,
    error: state.error,
    isLoading: state.loading,
    isRefreshing: state.refreshing,
    reload,
    setData,
  };
}
