import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { username } from "better-auth/plugins";
import type { Actor } from "@/contracts/actor";
import type { Db } from "@/db/client";
import { DEFAULT_USER_ROLE, USER_ROLES, type UserRole } from "@/core/vocabulary/users";
import { account, session, user, verification } from "@/db/schema";
import type { TrustProxy } from "@/core/net/client-address";
import type { StateStore } from "@/store/types";
import type { NodeHandler } from "@/http/node-response";
import { CLIENT_IP_HEADER, toNodeHandler } from "./node-handler";
import { signInLockout } from "./sign-in-lockout";

/**
 * Console sign-in (better-auth): username or email + password, sessions stored in our database so they
 * can be revoked, scrypt password hashes, a per-IP rate limiter kept in the StateStore (shared by every
 * instance) and a per-account lockout. Accounts are created only by admins and by the bootstrap.
 */

/** Mount point of the auth routes (better-auth's default; the console client expects it). */
export const AUTH_BASE_PATH = "/api/auth";
/** Session cookie name over plain HTTP; over HTTPS browsers get the `__Secure-` prefixed variant. */
export const SESSION_COOKIE_NAME = "roundabout.session_token";
/** Same rule as ADMIN_USERNAME in the env schema. */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,64}$/;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

export interface RateRule {
  /** Seconds. */
  readonly window: number;
  readonly max: number;
}

export interface CreateAuthOptions {
  readonly db: Db;
  /** Cookie-signing secret (`MasterKeys.authSecret`), at least 32 characters. */
  readonly secret: string;
  /** Runtime state shared across instances: rate-limit windows and lockouts live here. */
  readonly store: StateStore;
  /** Public origin (PUBLIC_URL). Unset: inferred per request from its Host (same-origin checks still apply). */
  readonly baseURL?: string;
  /** Extra origins allowed to POST with the session cookie (e.g. a dev console on another port). */
  readonly trustedOrigins?: readonly string[];
  /** Per-IP limit on /sign-in/* (default 10 per 60 s). */
  readonly signInRateLimit?: RateRule;
  /** Per-IP limit on every other auth route (default 100 per 10 s). */
  readonly rateLimit?: RateRule;
  /** Which forwarding headers are believed for the per-IP limiter's client address (TRUST_PROXY; default off). */
  readonly trustProxy?: TrustProxy;
  /** Per-account lockout (default 5 attempts per 15 minutes). */
  readonly lockout?: { readonly maxFailures?: number; readonly windowMs?: number };
  /** Where better-auth's own warnings and errors go (messages only: its arguments may hold user input). */
  readonly logger?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/**
 * Routes the console does not use. Sign-up is refused (accounts come from admins); self-service
 * profile, e-mail and deletion would let a user rename or delete an account (even the last admin);
 * password changes go through the admin API so there is one path with our validation.
 */
const DISABLED_PATHS = [
  "/sign-up/email",
  "/update-user",
  "/delete-user",
  "/change-email",
  "/change-password",
  "/set-password",
  "/is-username-available",
  "/request-password-reset",
  "/reset-password",
  "/send-verification-email",
  "/verify-email",
  "/link-social",
  "/unlink-account",
];

function buildBetterAuth(options: CreateAuthOptions) {
  const { store } = options;
  const signIn = options.signInRateLimit ?? { window: 60, max: 10 };
  const general = options.rateLimit ?? { window: 10, max: 100 };
  const logger = options.logger;
  return betterAuth({
    appName: "Roundabout",
    secret: options.secret,
    baseURL: options.baseURL,
    basePath: AUTH_BASE_PATH,
    trustedOrigins: options.trustedOrigins ? [...options.trustedOrigins] : undefined,
    database: drizzleAdapter(options.db, {
      provider: "pg",
      schema: { user, session, account, verification },
    }),
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: PASSWORD_MIN_LENGTH,
      maxPasswordLength: PASSWORD_MAX_LENGTH,
    },
    user: {
      additionalFields: {
        role: { type: [...USER_ROLES], required: false, defaultValue: DEFAULT_USER_ROLE, input: false },
      },
    },
    // No cookie cache: every request reads the session row, so deleting it signs the user out at once.
    session: { expiresIn: 7 * 24 * 3600, updateAge: 24 * 3600, cookieCache: { enabled: false } },
    disabledPaths: DISABLED_PATHS,
    rateLimit: {
      enabled: true,
      window: general.window,
      max: general.max,
      customRules: { "/sign-in/*": { window: signIn.window, max: signIn.max } },
      customStorage: {
        async consume(key, rule) {
          const hit = await store.hitSlidingWindow(`auth:rl:${key}`, rule.max, rule.window * 1000);
          return {
            allowed: hit.allowed,
            retryAfter: hit.allowed ? null : Math.ceil(hit.retryAfterMs / 1000),
          };
        },
      },
    },
    advanced: {
      cookiePrefix: "roundabout",
      // The same checks in tests as in production (better-auth skips them under NODE_ENV=test).
      disableOriginCheck: false,
      disableCSRFCheck: false,
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    telemetry: { enabled: false },
    // No explicit `level`: with one set, better-auth also logs every refused request (4xx) as an error.
    logger: logger
      ? {
          log: (level, message) => {
            // Without PUBLIC_URL the origin is taken from each request on purpose (see CreateAuthOptions):
            // better-auth's start-up warning about it would only repeat at every start. Its alternatives do
            // not fit: a fixed URL from HOST/PORT refuses sign-in from any other origin, and a dynamic
            // `allowedHosts: ["*"]` would make every origin trusted.
            if (!options.baseURL && message.includes("Base URL is not set")) return;
            if (level === "error") logger.error({ component: "auth" }, message);
            else logger.warn({ component: "auth" }, message);
          },
        }
      : {},
    plugins: [
      username({
        minUsernameLength: 3,
        maxUsernameLength: 64,
        usernameValidator: (name) => USERNAME_PATTERN.test(name),
      }),
      signInLockout({ db: options.db, store, ...options.lockout }),
    ],
  });
}

export type BetterAuthInstance = ReturnType<typeof buildBetterAuth>;

export interface AppAuth {
  /** The better-auth instance (its `api` serves server-side calls). */
  readonly auth: BetterAuthInstance;
  readonly basePath: typeof AUTH_BASE_PATH;
  /** Fetch-style handler for `/api/auth/*`. Set CLIENT_IP_HEADER from the socket before calling it. */
  handler(request: Request): Promise<Response>;
  /** node:http handler for `/api/auth/*` (sets the client address itself). */
  readonly nodeHandler: NodeHandler;
  /** The console user behind the request's session cookie, or null (also for a cross-origin write). */
  resolveSession(request: Request): Promise<Actor | null>;
  /** Hashes a password the way sign-in verifies it (scrypt). */
  hashPassword(password: string): Promise<string>;
  /** Checks a password against a stored hash. */
  verifyPassword(hash: string, password: string): Promise<boolean>;
}

/** Builds console authentication over our database and state store. */
export function createAuth(options: CreateAuthOptions): AppAuth {
  if (options.secret.length < 32) throw new Error("The auth secret must be at least 32 characters.");
  const auth = buildBetterAuth(options);
  const handler = (request: Request) => auth.handler(request);
  const allowedOrigins = new Set(
    [options.baseURL, ...(options.trustedOrigins ?? [])].filter((o): o is string => !!o).map(originOf),
  );

  return {
    auth,
    basePath: AUTH_BASE_PATH,
    handler,
    nodeHandler: toNodeHandler(handler, undefined, options.trustProxy),
    async resolveSession(request) {
      if (!isSafeMethod(request.method) && !isSameOriginWrite(request, allowedOrigins)) return null;
      const result = await auth.api.getSession({ headers: request.headers });
      if (!result) return null;
      const role = result.user.role as string | null | undefined;
      if (!isUserRole(role)) return null;
      const display = (result.user as { displayUsername?: string | null }).displayUsername;
      return {
        id: result.user.id,
        name: display || result.user.username || result.user.name,
        role,
        via: "session",
      };
    },
    async hashPassword(password) {
      return (await auth.$context).password.hash(password);
    },
    async verifyPassword(hash, password) {
      return (await auth.$context).password.verify({ hash, password });
    },
  };
}

function isUserRole(value: string | null | undefined): value is UserRole {
  return (USER_ROLES as readonly string[]).includes(value ?? "");
}

function isSafeMethod(method: string): boolean {
  return method === "GET" || method === "HEAD" || method === "OPTIONS";
}

/**
 * CSRF defence for cookie-authenticated admin writes: the browser's Origin (or Referer) must be the
 * request's own origin (from its Host), the public origin or a trusted one.
 */
function isSameOriginWrite(request: Request, allowed: ReadonlySet<string>): boolean {
  const presented = request.headers.get("origin") ?? request.headers.get("referer");
  if (!presented || presented === "null") return false;
  const origin = originOf(presented);
  return origin !== "" && (allowed.has(origin) || origin === originOf(request.url));
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
}
