import type { AlertEvent } from "@/core/vocabulary/alerts";
import type { AlertMessage } from "./types";

const EVENT_LABEL: Readonly<Record<AlertEvent, string>> = {
  firing: "FIRING",
  resolved: "RESOLVED",
  test: "TEST",
};

/** `[FIRING] rule name: subject` — subject lines, card titles, DingTalk titles. */
export function renderTitle(message: AlertMessage): string {
  return `[${EVENT_LABEL[message.event]}] ${message.rule.name}: ${message.subject.name}`;
}

/** The facts of a notice as `label: value` pairs, in display order. */
export function renderFacts(message: AlertMessage): [string, string][] {
  const facts: [string, string][] = [
    ["Summary", message.summary],
    ["Severity", message.rule.severity],
    ["Rule", `${message.rule.name} (${message.rule.type})`],
    ["Subject", message.subject.name],
  ];
  if (message.value !== null) facts.push(["Value", String(message.value)]);
  if (message.threshold !== null) facts.push(["Threshold", String(message.threshold)]);
  facts.push(["Fired at", message.firedAt]);
  if (message.resolvedAt) facts.push(["Resolved at", message.resolvedAt]);
  if (message.incidentId !== null) facts.push(["Incident", `#${message.incidentId}`]);
  return facts;
}

/** Plain text: title line, blank line, one fact per line. */
export function renderText(message: AlertMessage): string {
  const lines = renderFacts(message).map(([label, value]) => `${label}: ${value}`);
  return `${renderTitle(message)}\n\n${lines.join("\n")}\n`;
}

// Markdown specials in user-chosen names must not restyle or inject links into the message.
const escapeMarkdown = (text: string) => text.replace(/([\\`*_[\]()#>|~])/g, "\\$1");

/** Markdown (DingTalk, Feishu cards): heading plus a bullet list. */
export function renderMarkdown(message: AlertMessage): string {
  const items = renderFacts(message).map(([label, value]) => `- **${label}:** ${escapeMarkdown(value)}`);
  return `### ${escapeMarkdown(renderTitle(message))}\n\n${items.join("\n")}`;
}
