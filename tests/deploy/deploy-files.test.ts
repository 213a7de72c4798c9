import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { composeNginxSite, nginxConfig } from "../../bench/drills/private-nginx";

const root = path.join(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

/** The parts of the compose specification this file relies on, checked as `docker compose config` would. */
const healthcheck = z.object({ test: z.array(z.string()).min(2) });
const instance = z.object({
  image: z.literal("roundabout:latest"),
  build: z.literal("."),
  environment: z.object({
    DATABASE_URL: z.string().regex(/^postgres:\/\/.+@postgres:5432\//),
    REDIS_URL: z.literal("redis://redis:6379"),
    TRUST_PROXY: z.string().min(1),
    SECRET_KEY_FILE: z.literal("/run/secrets/secret_key"),
  }),
  secrets: z.array(z.string()).refine((s) => s.includes("secret_key")),
  entrypoint: z.array(z.string()),
  depends_on: z.object({
    postgres: z.object({ condition: z.literal("service_healthy") }),
    redis: z.object({ condition: z.literal("service_healthy") }),
  }),
});
const composeSchema = z.object({
  services: z.object({
    postgres: z.object({ image: z.string().regex(/^postgres:/), healthcheck }),
    redis: z.object({ image: z.string().regex(/^redis:/), healthcheck }),
    "roundabout-1": instance,
    "roundabout-2": instance,
    nginx: z.object({
      image: z.string().regex(/^nginx:/),
      ports: z.array(z.string()),
      volumes: z.array(z.string()),
      depends_on: z.array(z.string()),
    }),
  }),
  secrets: z.object({
    secret_key: z.object({ file: z.string() }),
    admin_token: z.object({ file: z.string() }),
  }),
  volumes: z.record(z.string(), z.unknown()),
});

describe("compose.yaml", () => {
  const compose = parse(read("compose.yaml"), { merge: true }) as unknown;

  it("parses as YAML and has the services, secrets and health checks it promises", () => {
    const parsed = composeSchema.parse(compose);
    // Every mounted host file exists in the repository.
    for (const volume of parsed.services.nginx.volumes) {
      const host = volume.split(":")[0]!;
      expect(existsSync(path.join(root, host)), host).toBe(true);
    }
    // The secret key never sits in the environment block (docker inspect would show it).
    expect(JSON.stringify(parsed.services["roundabout-1"].environment)).not.toMatch(/SECRET_KEY"?:\s*"[^/]/);
  });

  it("serves nginx the example site with the compose instances (generated file is current)", () => {
    expect(read("deploy/nginx/compose.conf"), "run `npm run docs:generate`").toBe(composeNginxSite());
  });
});

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it("is multi-stage on node:20-slim and runs as a non-root user with production dependencies", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^node:20-slim/);
    const final = stages.at(-1)!;
    expect(final).toMatch(/^USER node$/m);
    expect(final).toMatch(/ENV NODE_ENV=production/);
    expect(final).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(final).toMatch(/^HEALTHCHECK [\s\S]*\/readyz/m);
    expect(final).toMatch(/^CMD \["node", "dist\/server\.mjs"\]$/m);
    // The production install without the dev tools npm would keep (scripts/install-production.mjs).
    const deps = stages.find((stage) => /^node:20-slim AS deps/.test(stage))!;
    expect(deps).toMatch(/^COPY scripts\/install-production\.mjs \.\/scripts\/$/m);
    expect(deps).toMatch(/^RUN node scripts\/install-production\.mjs /m);
    expect(read("docs/deployment.md")).toMatch(/node scripts\/install-production\.mjs/);
  });

  it("copies only files the build produces or the repository holds", () => {
    const copied = [...dockerfile.matchAll(/^COPY --from=build \/app\/(\S+) /gm)].map((m) => m[1]!);
    expect(copied).toEqual(expect.arrayContaining(["dist", ".next", "drizzle", "package.json"]));
    for (const file of copied.filter((f) => f !== "dist" && f !== ".next")) {
      expect(existsSync(path.join(root, file)), file).toBe(true);
    }
  });

  it("the systemd example starts the same command as the image", () => {
    const unit = read("deploy/systemd/roundabout.service");
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node dist\/server\.mjs$/m);
    expect(unit).toMatch(/^User=roundabout$/m);
    expect(unit).toMatch(/^Environment=NODE_ENV=production$/m);
  });
});

describe("deploy/nginx/roundabout.conf", () => {
  it("is a configuration nginx accepts, as the drill wraps it (nginx -t)", () => {
    // The drills need nginx too; `npm test` installs it (scripts/ensure-test-env.mjs).
    expect(existsSync("/usr/sbin/nginx"), "apt-get install -y nginx-light").toBe(true);
    const dir = mkdtempSync(path.join(os.tmpdir(), "rb-nginx-"));
    try {
      const conf = path.join(dir, "nginx.conf");
      writeFileSync(conf, nginxConfig({ dir, port: 18_080, upstreamPorts: [18_081, 18_082] }));
      const result = spawnSync("/usr/sbin/nginx", ["-t", "-c", conf, "-p", dir], { encoding: "utf8" });
      expect(result.stderr).toMatch(/test is successful/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
