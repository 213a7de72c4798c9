/**
 * SMTP through the guard: nodemailer is handed the checked address (it resolves nothing itself)
 * and still presents and verifies the name over TLS; refused hosts never get a connection.
 */
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { createSecureContext } from "node:tls";
import nodemailer from "nodemailer";
import { SMTPServer } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { EMPTY_OUTBOUND_POLICY } from "../core/outbound/allow-list";
import { pinSmtpOptions } from "./outbound-connect";
import { OutboundBlockedError } from "./outbound-guard";
import { policyOf } from "@/testing/outbound-sender-contract";
import { makeSelfSignedCertificate, scriptedResolver } from "@/testing/outbound-test-servers";

const listen = (server: Server | SMTPServer, port: number, host: string) =>
  new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((close) => close()));
});

interface MailSetup {
  readonly port: number;
  readonly cert: string;
  /** SNI names the SMTP server (on 127.0.0.2) was asked for, and the mails it accepted. */
  readonly servernames: string[];
  readonly mails: string[];
  /** TCP connections to the decoy on 127.0.0.1 at the same port. */
  readonly decoyConnections: () => number;
}

/** An implicit-TLS SMTP server on 127.0.0.2 for mail.test, and a decoy on 127.0.0.1 at the same port. */
async function startMailSetup(): Promise<MailSetup> {
  const { key, cert } = makeSelfSignedCertificate("mail.test");
  const servernames: string[] = [];
  const mails: string[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    const smtp = new SMTPServer({
      secure: true,
      key,
      cert,
      authOptional: true,
      logger: false,
      SNICallback: (servername, callback) => {
        servernames.push(servername);
        callback(null, createSecureContext({ key, cert }));
      },
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          mails.push(Buffer.concat(chunks).toString("utf8"));
          callback();
        });
      },
    });
    await listen(smtp, 0, "127.0.0.2");
    const port = (smtp.server.address() as AddressInfo).port;
    let connections = 0;
    const decoy = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    try {
      await listen(decoy, port, "127.0.0.1");
    } catch {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      continue;
    }
    cleanups.push(
      () => new Promise<void>((resolve) => smtp.close(() => resolve())),
      () => new Promise<void>((resolve) => decoy.close(() => resolve())),
    );
    return { port, cert, servernames, mails, decoyConnections: () => connections };
  }
  throw new Error("could not find a port free on both loopback addresses");
}

describe("pinSmtpOptions", () => {
  it("pins nodemailer to the checked address and keeps the name for TLS", async () => {
    const setup = await startMailSetup();
    const { resolve, calls } = scriptedResolver("mail.test", [["127.0.0.2"], ["127.0.0.1"]]);
    const options = { host: "Mail.Test", port: setup.port, secure: true, tls: { ca: setup.cert } };
    const pinned = await pinSmtpOptions(options, policyOf("127.0.0.2"), { resolve });
    expect(pinned).toMatchObject({
      host: "127.0.0.2",
      servername: "mail.test",
      tls: { servername: "mail.test" },
    });
    expect(options).toEqual({ host: "Mail.Test", port: setup.port, secure: true, tls: { ca: setup.cert } });

    // mail.test resolves nowhere on this machine: the send works only because nodemailer uses the pin.
    const transport = nodemailer.createTransport(pinned);
    const info = await transport.sendMail({
      from: "gateway@example.com",
      to: "ops@example.com",
      subject: "pinned",
      text: "hello",
    });
    transport.close();
    expect(info.accepted).toEqual(["ops@example.com"]);
    expect(setup.mails).toHaveLength(1);
    expect(setup.servernames).toEqual(["mail.test"]);
    expect(calls).toEqual(["mail.test"]);
    expect(setup.decoyConnections()).toBe(0);
  });

  it("refuses internal SMTP hosts unless allowed, before any connection", async () => {
    const setup = await startMailSetup();
    const { resolve } = scriptedResolver("mail.test", [["127.0.0.1"]]);
    for (const host of ["mail.test", "127.0.0.1", "0x7f.1", "2130706433", "::ffff:127.0.0.1"]) {
      const err: unknown = await pinSmtpOptions({ host, port: setup.port }, EMPTY_OUTBOUND_POLICY, {
        resolve,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OutboundBlockedError);
      expect(err).toMatchObject({ code: "OUTBOUND_BLOCKED", reason: "loopback" });
    }
    // No host is nodemailer's localhost, resolved by the system resolver.
    await expect(
      pinSmtpOptions({ host: undefined, port: setup.port }, EMPTY_OUTBOUND_POLICY),
    ).rejects.toMatchObject({
      code: "OUTBOUND_BLOCKED",
      host: "localhost",
      reason: "loopback",
    });
    const allowed = await pinSmtpOptions({ host: "0x7f.1", port: setup.port }, policyOf("127.0.0.0/8"));
    expect(allowed).toEqual({ host: "127.0.0.1", port: setup.port });
    expect(setup.decoyConnections()).toBe(0);
  });
});
