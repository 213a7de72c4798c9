import { describe, expect, it } from "vitest";
import type { Actor } from "@/contracts/actor";
import type { AlertDelivery, AlertHistoryPage } from "@/contracts/alerts";
import type { LogDetail } from "@/contracts/logs";
import { alertHistoryFor, logDetailFor } from "./viewer-redaction";

const VIEWER: Actor = { id: "v", name: "v", role: "viewer", via: "session" };
const ADMIN: Actor = { id: "a", name: "a", role: "admin", via: "session" };
const BODY = "upstream-said-secret-thing";

const delivery = (statusCode: number | null, error: string | null): AlertDelivery => ({
  id: 1,
  incidentId: 1,
  channelId: null,
  channelName: "hook",
  channelType: "webhook",
  event: "firing",
  status: "failed",
  attempts: 1,
  maxAttempts: 3,
  nextAttemptAt: null,
  lastStatusCode: statusCode,
  lastError: error,
  durationMs: 5,
  attemptLog: [{ at: "2030-01-01T00:00:00.000Z", ok: false, statusCode, error, durationMs: 5 }],
  createdAt: "2030-01-01T00:00:00.000Z",
  deliveredAt: null,
});

const page = (d: AlertDelivery): AlertHistoryPage =>
  ({ items: [{ deliveries: [d] }], nextCursor: null }) as unknown as AlertHistoryPage;

describe("viewers never see an upstream's or a webhook's answer", () => {
  it("keeps only the status of an answered delivery for viewers; admins see everything", () => {
    const answered = page(delivery(500, `HTTP 500: ${BODY}`));
    const forViewer = JSON.stringify(alertHistoryFor(VIEWER, answered));
    expect(forViewer).not.toContain(BODY);
    expect(forViewer).toContain('"lastError":"HTTP 500"');
    const appError = JSON.stringify(alertHistoryFor(VIEWER, page(delivery(200, `errcode 310000 ${BODY}`))));
    expect(appError).not.toContain(BODY);
    expect(JSON.stringify(alertHistoryFor(ADMIN, answered))).toContain(BODY);
    // A transport failure has no answer to hide.
    const refused = alertHistoryFor(VIEWER, page(delivery(null, "connect ECONNREFUSED")));
    expect(refused.items[0]!.deliveries[0]!.lastError).toBe("connect ECONNREFUSED");
  });

  it("withholds the captured response body of a log from viewers", () => {
    const detail = {
      id: "r",
      bodies: {
        request: { text: "{}", bytes: 2, truncated: false },
        response: { text: BODY, bytes: BODY.length, truncated: false },
      },
      capture: {
        request: { method: "POST", path: "/v1/messages", headers: {}, body: "{}" },
        attempts: [{ status: 502, headers: { "x-upstream": BODY }, body: BODY }],
      },
    } as unknown as LogDetail;
    expect(JSON.stringify(logDetailFor(VIEWER, detail))).not.toContain(BODY);
    expect(logDetailFor(VIEWER, detail).bodies?.request).toEqual(detail.bodies?.request);
    expect(logDetailFor(VIEWER, detail).capture?.attempts[0]?.status).toBe(502);
    expect(logDetailFor(ADMIN, detail)).toBe(detail);
  });
});
