import {
  alertChannelSchema,
  alertDeliverySchema,
  alertHistoryPageSchema,
  alertRuleSchema,
  type AlertChannel,
  type AlertChannelCreateInput,
  type AlertChannelUpdateInput,
  type AlertDelivery,
  type AlertHistoryPage,
  type AlertRule,
  type AlertRuleCreateInput,
} from "@/contracts/alerts";
import { apiDelete, apiPost, apiPut, readItems, readOne } from "../api-client";
import { endpoints } from "../endpoints";

/** Reads GET /alerts/rules. */
export function selectRules(body: unknown): AlertRule[] {
  return readItems(body, alertRuleSchema);
}

/** Reads GET /alerts/channels. */
export function selectChannels(body: unknown): AlertChannel[] {
  return readItems(body, alertChannelSchema);
}

/** Reads a page of GET /alerts/history. */
export function selectHistory(body: unknown): AlertHistoryPage {
  return readOne(body, alertHistoryPageSchema);
}

/** Creates a rule, or replaces an existing one's settings. */
export async function saveRule(id: string | undefined, payload: AlertRuleCreateInput): Promise<AlertRule> {
  const body = id
    ? await apiPut<unknown>(endpoints.alertRule(id), payload)
    : await apiPost<unknown>(endpoints.alertRules, payload);
  return readOne(body, alertRuleSchema);
}

/** Switches a rule on or off. */
export async function setRuleEnabled(id: string, enabled: boolean): Promise<AlertRule> {
  return readOne(await apiPut<unknown>(endpoints.alertRule(id), { enabled }), alertRuleSchema);
}

/** Deletes a rule. */
export function deleteRule(id: string): Promise<void> {
  return apiDelete(endpoints.alertRule(id));
}

/** Creates a channel, or updates one (blank write-only fields keep their values). */
export async function saveChannel(
  id: string | undefined,
  payload: AlertChannelCreateInput | AlertChannelUpdateInput,
): Promise<AlertChannel> {
  const body = id
    ? await apiPut<unknown>(endpoints.alertChannel(id), payload)
    : await apiPost<unknown>(endpoints.alertChannels, payload);
  return readOne(body, alertChannelSchema);
}

/** Deletes a channel. */
export function deleteChannel(id: string): Promise<void> {
  return apiDelete(endpoints.alertChannel(id));
}

/** Sends a test notice through a channel; returns the recorded delivery. */
export async function testChannel(id: string): Promise<AlertDelivery> {
  return readOne(await apiPost<unknown>(endpoints.alertChannelTest(id), {}), alertDeliverySchema);
}
