import { z } from "zod";
import { USER_ROLES, type UserRole } from "@/core/vocabulary/users";

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
  /** Set for a tenant admin token (`rbt-…`): the one tenant it acts in. */
  readonly tenantId?: string;
}

/** `GET /me`'s answer, for the API description. */
export const actorSchema = z.object({
  id: z.string().nullable(),
  name: z.string(),
  role: z.enum(USER_ROLES),
  via: z.enum(["token", "session"]),
  /** The tenant this request acted in; `system` when the caller sees every tenant. */
  tenant: z.object({ id: z.uuid(), system: z.boolean() }).optional(),
  /** The tenants the caller may switch between (`X-Roundabout-Tenant: {slug}`). */
  tenants: z.array(z.object({ id: z.uuid(), slug: z.string(), name: z.string() })).optional(),
});
