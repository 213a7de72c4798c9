import { z } from "zod";
import { USER_ROLES } from "@/core/vocabulary/users";
import { timestampSchema } from "./common";

/** Console users: shapes shared by the admin API and the console (no server-only imports here). */

/** Same rule as ADMIN_USERNAME: 3-64 letters, digits, `_ . -` (stored lower-cased). */
export const usernameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{3,64}$/, "must be 3-64 letters, digits, _ . or -");

export const passwordSchema = z
  .string()
  .min(8, "must be at least 8 characters")
  .max(128, "must be at most 128 characters");

export const userRoleSchema = z.enum(USER_ROLES);

export const userCreateSchema = z.strictObject({
  username: usernameSchema,
  email: z.email().max(254).optional(),
  password: passwordSchema,
  role: userRoleSchema,
});
export type UserCreateInput = z.input<typeof userCreateSchema>;

export const userRoleUpdateSchema = z.strictObject({ role: userRoleSchema });
export type UserRoleUpdateInput = z.input<typeof userRoleUpdateSchema>;

export const passwordResetSchema = z.strictObject({ password: passwordSchema });
export type PasswordResetInput = z.input<typeof passwordResetSchema>;

export const passwordChangeSchema = z.strictObject({
  currentPassword: z.string().min(1, "must not be empty").max(128),
  newPassword: passwordSchema,
});
export type PasswordChangeInput = z.input<typeof passwordChangeSchema>;

/** A console user as the API shows it: never a password or hash. */
export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  /** The username as typed at creation (sign-in ignores case). */
  displayUsername: z.string(),
  email: z.string().nullable(),
  role: userRoleSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type User = z.infer<typeof userSchema>;
