/**
 * Test support (imported by tests only): local receivers on 127.0.0.1 that check requests the way
 * the real services do — written from the vendors' documentation, independently of our senders.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly raw: string;
  readonly body: Record<string, unknown>;
  /** Whether the signature checked out. */
  readonly verified: boolean;
  /** The status this receiver answered. */
  readonly status: number;
}

export interface HttpReceiver {
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Requests whose signature checked out and that were answered with success. */
  accepted(): ReceivedRequest[];
  close(): Promise<void>;
}

type Judge = (
  req: IncomingMessage,
  url: URL,
  raw: string,
) => { verified: boolean; status: number; answer: unknown };

async function startHttpReceiver(path: string, judge: Judge): Promise<HttpReceiver> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const { verified, status, answer } = judge(req, url, raw);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        body = {};
      }
      received.push({ path: url.pathname, headers: req.headers, raw, body, verified, status });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    accepted: () => received.filter((r) => r.verified && r.status === 200),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const equalText = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export interface WebhookReceiverOptions {
  readonly secret: string;
  /** The receiver's clock (ms); timestamps more than 5 minutes off are refused. */
  readonly now: () => number;
  /** Answer 500 to the first `failFirst` requests (default 0); -1 fails every request. */
  readonly failFirst?: number;
}

/** A generic webhook receiver verifying X-Roundabout-Signature over `timestamp.body`. */
export function startWebhookReceiver(options: WebhookReceiverOptions): Promise<HttpReceiver> {
  let seen = 0;
  return startHttpReceiver("/hooks/roundabout", (req, _url, raw) => {
    seen++;
    const timestamp = String(req.headers["x-roundabout-timestamp"] ?? "");
    const signature = String(req.headers["x-roundabout-signature"] ?? "");
    const expected = `sha256=${createHmac("sha256", options.secret).update(`${timestamp}.${raw}`).digest("hex")}`;
    const fresh = /^\d+$/.test(timestamp) && Math.abs(options.now() / 1000 - Number(timestamp)) <= 300;
    const verified = fresh && equalText(signature, expected);
    const failFirst = options.failFirst ?? 0;
    if (failFirst === -1 || seen <= failFirst)
      return { verified, status: 500, answer: { error: "receiver down" } };
    return verified
      ? { verified, status: 200, answer: { ok: true } }
      : { verified, status: 401, answer: { error: "bad signature" } };
  });
}

export interface RobotReceiverOptions {
  readonly secret: string;
  /** The robot service's clock (ms); both refuse timestamps more than an hour off. */
  readonly now: () => number;
}

/** A DingTalk-shaped robot: access_token, then `timestamp` (ms) and `sign` query parameters. */
export function startDingTalkReceiver(options: RobotReceiverOptions & { readonly accessToken: string }) {
  return startHttpReceiver(`/robot/send?access_token=${options.accessToken}`, (_req, url, raw) => {
    const timestamp = url.searchParams.get("timestamp") ?? "";
    const sign = url.searchParams.get("sign") ?? "";
    const expected = createHmac("sha256", options.secret)
      .update(`${timestamp}\n${options.secret}`)
      .digest("base64");
    const fresh = /^\d+$/.test(timestamp) && Math.abs(options.now() - Number(timestamp)) <= 3_600_000;
    let shaped = false;
    try {
      const body = JSON.parse(raw) as { msgtype?: unknown; markdown?: { title?: unknown; text?: unknown } };
      shaped =
        body.msgtype === "markdown" &&
        typeof body.markdown?.title === "string" &&
        typeof body.markdown.text === "string";
    } catch {
      shaped = false;
    }
    if (url.searchParams.get("access_token") !== options.accessToken) {
      return { verified: false, status: 200, answer: { errcode: 300001, errmsg: "token is not exist" } };
    }
    if (!fresh || !equalText(sign, expected)) {
      return { verified: false, status: 200, answer: { errcode: 310000, errmsg: "sign not match" } };
    }
    if (!shaped)
      return { verified: true, status: 200, answer: { errcode: 40035, errmsg: "missing parameter" } };
    return { verified: true, status: 200, answer: { errcode: 0, errmsg: "ok" } };
  });
}

/** A Feishu-shaped bot: `timestamp` (s) and `sign` in the JSON body; sign keyed by `timestamp\nsecret`. */
export function startFeishuReceiver(options: RobotReceiverOptions & { readonly hookId: string }) {
  return startHttpReceiver(`/open-apis/bot/v2/hook/${options.hookId}`, (_req, url, raw) => {
    let body: { timestamp?: unknown; sign?: unknown; msg_type?: unknown; content?: unknown; card?: unknown } =
      {};
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return { verified: false, status: 400, answer: { code: 9499, msg: "Bad Request" } };
    }
    if (url.pathname !== `/open-apis/bot/v2/hook/${options.hookId}`) {
      return {
        verified: false,
        status: 200,
        answer: { code: 19001, msg: "param invalid: incoming webhook access token invalid" },
      };
    }
    const timestamp = typeof body.timestamp === "string" ? body.timestamp : "";
    const expected = createHmac("sha256", `${timestamp}\n${options.secret}`).update("").digest("base64");
    const fresh = /^\d+$/.test(timestamp) && Math.abs(options.now() / 1000 - Number(timestamp)) <= 3600;
    if (!fresh || typeof body.sign !== "string" || !equalText(body.sign, expected)) {
      return {
        verified: false,
        status: 200,
        answer: { code: 19021, msg: "sign match fail or timestamp is not within one hour from current time" },
      };
    }
    const shaped =
      (body.msg_type === "text" && typeof (body.content as { text?: unknown })?.text === "string") ||
      (body.msg_type === "interactive" && typeof body.card === "object" && body.card !== null);
    if (!shaped) return { verified: true, status: 200, answer: { code: 9499, msg: "Bad Request" } };
    return { verified: true, status: 200, answer: { code: 0, msg: "success", data: {} } };
  });
}

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  readonly subject: string;
  readonly event: string;
  readonly raw: string;
  readonly user: string | undefined;
}

export interface SmtpSink {
  readonly port: number;
  readonly mails: ReceivedMail[];
  close(): Promise<void>;
}

const headerOf = (raw: string, name: string) =>
  new RegExp(`^${name}:\\s*(.*)$`, "im").exec(raw.split(/\r?\n\r?\n/)[0] ?? "")?.[1]?.trim() ?? "";

/** A plain-text SMTP sink on 127.0.0.1 that requires AUTH with the given credentials. */
export async function startSmtpSink(credentials: { username: string; password: string }): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.username && auth.password === credentials.password) {
        callback(null, { user: auth.username });
      } else {
        callback(new Error("Invalid username or password"));
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const mailFrom = session.envelope.mailFrom;
        mails.push({
          from: mailFrom ? mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: headerOf(raw, "Subject"),
          event: headerOf(raw, "X-Roundabout-Event"),
          raw,
          user: typeof session.user === "string" ? session.user : undefined,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.server.address() as AddressInfo;
  return {
    port: address.port,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
