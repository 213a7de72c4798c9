"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { flushSync } from "react-dom";
import { usePathname, useRouter } from "next/navigation";
import { isApiError } from "./api-client";
import {
  fetchIdentity,
  fetchSession,
  signOut as requestSignOut,
  type ConsoleIdentity,
  type SessionUser,
} from "./session";

type SessionState =
  { status: "loading" } | { status: "signed-in"; user: SessionUser } | { status: "unknown"; error: unknown };

interface SessionValue {
  state: SessionState;
  /**
   * The user when known; null while loading or when the session check failed. Once `GET /me` has
   * answered, `role` is the one that applies in the acting tenant (a tenant owner writes there even
   * when their own user role is viewer).
   */
  user: SessionUser | null;
  /**
   * Whether pages may call the admin API: once the session is known to exist (or could not be
   * checked, so the pages' own calls show why). Signed out they would only collect 401s.
   */
  ready: boolean;
  /** Where the user acts (`GET /me`); null until known. */
  identity: ConsoleIdentity | null;
  /** Sends the browser to the sign-in page, coming back here afterwards. */
  redirectToSignIn: () => void;
  /** Signs out on the server, then goes to the sign-in page. */
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

/**
 * Client-side guard for console pages: checks the session and sends signed-out visitors to /sign-in.
 * Pages wait for the first answer before calling the admin API (`ready`), so a signed-out visit makes
 * no call that can only fail; later navigations re-check in the background without holding pages up.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const [state, setState] = useState<SessionState>({ status: "loading" });
  const [identity, setIdentity] = useState<{ userId: string; value: ConsoleIdentity } | null>(null);

  const redirectToSignIn = useCallback(() => {
    const here = `${window.location.pathname}${window.location.search}`;
    router.replace(here === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(here)}`);
  }, [router]);

  useEffect(() => {
    const controller = new AbortController();
    fetchSession(controller.signal).then(
      (user) => {
        if (user) setState({ status: "signed-in", user });
        else {
          setState({ status: "loading" });
          redirectToSignIn();
        }
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: "unknown", error });
      },
    );
    return () => controller.abort();
    // The pathname dependency re-checks on navigation, so a session revoked elsewhere is noticed.
  }, [pathname, redirectToSignIn]);

  // Who the user is, once per signed-in user (a tenant switch reloads the page).
  const userId = state.status === "signed-in" ? state.user.id : null;
  useEffect(() => {
    if (userId === null || identity?.userId === userId) return;
    const controller = new AbortController();
    fetchIdentity(controller.signal)
      // A remembered tenant that is gone was just forgotten (api-client): ask again, unscoped.
      .catch((error: unknown) => {
        if (isApiError(error) && error.code === "TENANT_NOT_FOUND") return fetchIdentity(controller.signal);
        throw error;
      })
      .then(
        (value) => setIdentity({ userId, value }),
        () => undefined, // The pages' own calls report an outage; the identity only refines the chrome.
      );
    return () => controller.abort();
  }, [userId, identity?.userId]);

  const signOut = useCallback(async () => {
    // Pages stop calling the admin API first (their calls abort when `ready` goes false, and the
    // live stream closes): a call still in flight when the server ends the session would come back
    // 401, which the browser reports as an error. flushSync runs those effect cleanups now.
    flushSync(() => setState({ status: "loading" }));
    try {
      await requestSignOut();
    } finally {
      router.replace("/sign-in");
      router.refresh();
    }
  }, [router]);

  const value = useMemo<SessionValue>(() => {
    const known = identity !== null && identity.userId === userId ? identity.value : null;
    const user = state.status === "signed-in" ? state.user : null;
    return {
      state,
      user: user && known ? { ...user, role: known.role } : user,
      ready: state.status !== "loading",
      identity: known,
      redirectToSignIn,
      signOut,
    };
  }, [state, identity, userId, redirectToSignIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The console session: user, sign-out and the sign-in redirect. */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession() needs a <SessionProvider> above it.");
  return value;
}
