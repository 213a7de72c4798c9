import { z } from "zod";
import type { Member, MemberCreateInput, MemberUpdateInput } from "@/contracts/groups";
import type { Translate } from "@/i18n/types";
import { localizeCommonIssue } from "../forms/localize-issue";
import {
  aliasMapToRows,
  aliasRowsSchema,
  aliasRowsToMap,
  formatModelList,
  localizeModelIssue,
  modelListTextSchema,
  parseModelList,
  sameAliasMap,
  sameModelList,
  type AliasRow,
} from "../forms/model-fields";
import type { FormIssue } from "../forms/zod-form-resolver";

/** What the add / edit member dialog edits: the weight override as text (empty = the provider's). */
export interface MemberFormValues {
  providerId: string;
  priority: number;
  weight: string;
  enabled: boolean;
  /** One model name or glob per line; empty = the provider's own list. */
  models: string;
  /** Client model name → this upstream's name. */
  aliases: AliasRow[];
}

/** The member dialog's schema: the contract's ranges, model names checked as the API checks them. */
export const memberFormSchema = z.object({
  providerId: z.string().min(1),
  priority: z.int().min(0).max(1_000_000),
  weight: z
    .string()
    .refine((text) => text.trim() === "" || /^\d{1,7}$/.test(text.trim()), { params: { rule: "weight" } })
    .refine((text) => text.trim() === "" || Number(text) <= 1_000_000, { params: { rule: "weight" } }),
  enabled: z.boolean(),
  models: modelListTextSchema,
  aliases: aliasRowsSchema,
});

/** Values for a new membership: by default in the last tier, no override, every model. */
export function emptyMemberForm(priority: number): MemberFormValues {
  return { providerId: "", priority, weight: "", enabled: true, models: "", aliases: [] };
}

/** Values showing an existing membership. */
export function memberToFormValues(member: Member): MemberFormValues {
  return {
    providerId: member.providerId,
    priority: member.priority,
    weight: member.weight === null ? "" : String(member.weight),
    enabled: member.enabled,
    models: formatModelList(member.models),
    aliases: aliasMapToRows(member.modelMap),
  };
}

const weightOf = (text: string) => (text.trim() === "" ? null : Number(text.trim()));

/** The POST body adding a provider to a group. */
export function toMemberCreatePayload(values: MemberFormValues): MemberCreateInput {
  return {
    providerId: values.providerId,
    priority: values.priority,
    weight: weightOf(values.weight),
    enabled: values.enabled,
    models: parseModelList(values.models),
    modelMap: aliasRowsToMap(values.aliases),
  };
}

/** The PUT body for an edit: only what changed, so the audit log shows the real edit. */
export function toMemberUpdatePayload(values: MemberFormValues, member: Member): MemberUpdateInput {
  const next = toMemberCreatePayload(values);
  const update: MemberUpdateInput = {};
  if (next.priority !== member.priority) update.priority = next.priority;
  if ((next.weight ?? null) !== member.weight) update.weight = next.weight;
  if (next.enabled !== member.enabled) update.enabled = next.enabled;
  const models = next.models ?? [];
  if (!sameModelList(models, member.models)) update.models = models;
  const modelMap = next.modelMap ?? {};
  if (!sameAliasMap(modelMap, member.modelMap)) update.modelMap = modelMap;
  return update;
}

/** The message under a member field, in the reader's language. */
export function localizeMemberIssue(t: Translate, issue: FormIssue): string | undefined {
  if (issue.path[0] === "providerId") return t("validation.required");
  if (issue.path[0] === "weight") return t("validation.wholeNumber");
  return localizeModelIssue(t, issue) ?? localizeCommonIssue(t, issue);
}
