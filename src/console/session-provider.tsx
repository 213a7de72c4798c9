"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { usePathname, useRouter } from "next/navigation";
import { fetchSession, signOut as requestSignOut, type SessionUser } from "./session";

type SessionState =
  { status: "loading" } | { status: "signed-in"; user: SessionUser } | { status: "unknown"; error: unknown };

interface SessionValue {
  state: SessionState;
  /** The user when known; null while loading or when the session check failed. */
  user: SessionUser | null;
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
    fetchSession(controller.signal).then(
      (user) => {
        if (user) setState({ status: "signed-in", user });
        else redirectToSignIn();
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
    () => ({ state, user: state.status === "signed-in" ? state.user : null, redirectToSignIn, signOut }),
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
