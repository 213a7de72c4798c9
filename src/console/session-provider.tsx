"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { usePathname, useRouter } from "next/navigation";
import { isApiError } from "./api-client";
import {
  fetchAccess,
  fetchSession,
  signOut as requestSignOut,
  type ConsoleAccess,
  type SessionUser,
} from "./session";

type SessionState =
  | { status: "loading" }
  | { status: "signed-in"; user: SessionUser; access: ConsoleAccess | null }
  | { status: "unknown"; error: unknown };

interface SessionValue {
  state: SessionState;
  /**
   * The user when known; null while loading or when the session check failed. Its `role` is the
   * one that applies in the acting tenant once `GET /me` answered (a tenant member's role there).
   */
  user: SessionUser | null;
  /** Where the user acts and what it may see (system user, tenants); null until known. */
  access: ConsoleAccess | null;
  /** Sends the browser to the sign-in page, coming back here afterwards. */
  redirectToSignIn: () => void;
  /** Signs out on the server, then goes to the sign-in page. */
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

/**
 * Client-side guard for console pages: checks the session once and sends signed-out visitors to
 * /sign-in. Pages render at the same time (their API calls also answer 401 without a session), so a
 * signed-in user waits for one round trip, not two. The admin API enforces roles itself.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const [state, setState] = useState<SessionState>({ status: "loading" });

  const redirectToSignIn = useCallback(() => {
    const here = `${window.location.pathname}${window.location.search}`;
    router.replace(here === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(here)}`);
  }, [router]);

  useEffect(() => {
    const controller = new AbortController();
    // Asked only once signed in, so a signed-out visit makes no call that is bound to fail.
    const withAccess = async (user: SessionUser) => {
      const access = await fetchAccess(controller.signal).catch((error: unknown) =>
        // A remembered tenant that is gone was just forgotten (api-client): ask again unscoped.
        isApiError(error) && error.code === "TENANT_NOT_FOUND"
          ? fetchAccess(controller.signal).catch(() => null)
          : null,
      );
      return { user: access ? { ...user, role: access.role } : user, access };
    };
    fetchSession(controller.signal).then(
      async (user) => {
        if (!user) {
          redirectToSignIn();
          return;
        }
        const known = await withAccess(user);
        if (!controller.signal.aborted) setState({ status: "signed-in", ...known });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: "unknown", error });
      },
    );
    return () => controller.abort();
    // The pathname dependency re-checks on navigation, so a session revoked elsewhere is noticed.
  }, [pathname, redirectToSignIn]);

  const signOut = useCallback(async () => {
    try {
      await requestSignOut();
    } finally {
      router.replace("/sign-in");
      router.refresh();
    }
  }, [router]);

  const value = useMemo<SessionValue>(
    () => ({
      state,
      user: state.status === "signed-in" ? state.user : null,
      access: state.status === "signed-in" ? state.access : null,
      redirectToSignIn,
      signOut,
    }),
    [state, redirectToSignIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The console session: user, sign-out and the sign-in redirect. */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession() needs a <SessionProvider> above it.");
  return value;
}
