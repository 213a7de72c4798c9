import { z } from "zod";
import { nameSchema } from "@/contracts/common";
import { slugSchema } from "@/contracts/groups";
import { TENANT_ROLES, TENANT_TOKEN_ROLES } from "@/core/vocabulary/tenants";
import type { Translate } from "@/i18n/types";
import { localizeCommonIssue } from "../forms/localize-issue";
import type { FormIssue } from "../forms/zod-form-resolver";

/** The tenant dialog's values. */
export interface TenantFormValues {
  name: string;
  slug: string;
}

/** The tenant dialog's schema: the contract's name and slug rules. */
export const tenantFormSchema = z.object({ name: nameSchema, slug: slugSchema });

/** The add-member dialog's values. */
export interface MemberFormValues {
  userId: string;
  role: (typeof TENANT_ROLES)[number];
}

export const memberFormSchema = z.object({ userId: z.string().min(1), role: z.enum(TENANT_ROLES) });

/** The new-token dialog's values. */
export interface TokenFormValues {
  name: string;
  role: (typeof TENANT_TOKEN_ROLES)[number];
}

export const tokenFormSchema = z.object({ name: nameSchema, role: z.enum(TENANT_TOKEN_ROLES) });

/** The message under a tenant field, in the reader's language. */
export function localizeTenantIssue(t: Translate, issue: FormIssue): string | undefined {
  if (issue.path[0] === "slug" && issue.code === "invalid_format") return t("tenants.fieldSlugHint");
  if (issue.path[0] === "userId") return t("tenants.memberUserRequired");
  return localizeCommonIssue(t, issue);
}
