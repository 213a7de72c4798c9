import type { UserRole } from "@/core/vocabulary/users";

/**
 * Who is calling the control plane: a console user (session) or the static ADMIN_TOKEN. Auth produces
 * it, the admin API authorizes by its role, the services record it in the audit log, and `GET /me`
 * answers it to the console — so it lives with the shapes every one of them shares.
 */
export interface Actor {
  /** User id for console sessions; null for the static ADMIN_TOKEN. */
  readonly id: string | null;
  readonly name: string;
  readonly role: UserRole;
  readonly via: "token" | "session";
}
