import type { UserRole } from "@/core/vocabulary/users";

/** Who is calling the admin API. */
export interface Actor {
  /** User id for console sessions; null for the static ADMIN_TOKEN. */
  readonly id: string | null;
  readonly name: string;
  readonly role: UserRole;
  readonly via: "token" | "session";
}

/** Resolves the caller of an admin request, or null when it carries no valid credential. */
export type Authenticate = (request: Request) => Promise<Actor | null>;
