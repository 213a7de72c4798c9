import type { Actor } from "@/contracts/actor";
import type { AlertDelivery, AlertHistoryPage, DeliveryAttempt } from "@/contracts/alerts";
import type { LogDetail } from "@/contracts/logs";

/**
 * Viewers never see what an upstream or a webhook answered: a response body can carry anything the
 * other side chose to put there (an echoed credential, internal hostnames, another tenant's data).
 * Admins see it to debug; viewers get the status and the kind of failure only.
 */

/** Whether the caller only reads (bodies are withheld). */
function isViewer(actor: Actor): boolean {
  return actor.role !== "admin";
}

/** The body-free text of a delivery error: an answered request keeps only its status. */
function bodyFreeError(error: string | null, statusCode: number | null): string | null {
  if (error === null || statusCode === null) return error;
  return statusCode >= 200 && statusCode < 300
    ? `HTTP ${statusCode}: the endpoint reported an error (details for admins)`
    : `HTTP ${statusCode}`;
}

function redactDelivery(delivery: AlertDelivery): AlertDelivery {
  return {
    ...delivery,
    lastError: bodyFreeError(delivery.lastError, delivery.lastStatusCode),
    attemptLog: delivery.attemptLog.map((attempt): DeliveryAttempt => ({
      ...attempt,
      error: bodyFreeError(attempt.error, attempt.statusCode),
    })),
  };
}

/** Alert history as the caller may see it: webhook answers withheld from viewers. */
export function alertHistoryFor(actor: Actor, page: AlertHistoryPage): AlertHistoryPage {
  if (!isViewer(actor)) return page;
  return {
    ...page,
    items: page.items.map((incident) => ({
      ...incident,
      deliveries: incident.deliveries.map(redactDelivery),
    })),
  };
}

/** A log's detail as the caller may see it: captured upstream answers (headers, bodies) withheld from viewers. */
export function logDetailFor(actor: Actor, detail: LogDetail): LogDetail {
  if (!isViewer(actor)) return detail;
  return {
    ...detail,
    bodies: detail.bodies === null ? null : { ...detail.bodies, response: null },
    capture:
      detail.capture === null
        ? null
        : {
            ...detail.capture,
            attempts: detail.capture.attempts.map((a) => ({ ...a, headers: null, body: null })),
          },
  };
}
