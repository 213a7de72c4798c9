import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sleep } from "./drill-figures";

/**
 * A private nginx (master + one worker, `daemon off`) with a temp config, balancing two Roundabout
 * instances the way an operator would put them behind it — the config is deploy/nginx/roundabout.conf,
 * the example docs/deployment.md shows: keep-alive upstream connections, a failed
 * connect or a timeout moves the request to the other instance (`proxy_next_upstream error timeout`;
 * a POST already sent is not replayed — nginx's default, right for non-idempotent LLM calls), and no
 * buffering so SSE frames pass at once. `X-Upstream` tells the drill which instance answered.
 */

export interface PrivateNginx {
  readonly url: string;
  stop(): Promise<void>;
}

const NGINX = "/usr/sbin/nginx";

/** The operator's example (docs/deployment.md): the drill runs this very file. */
export const NGINX_EXAMPLE = path.join(import.meta.dirname, "../../deploy/nginx/roundabout.conf");

/**
 * The example's upstream and server blocks for other addresses: its `server 127.0.0.1:…` lines become
 * one per `upstreams` entry (`127.0.0.1:4001`, `roundabout-1:3000`), its `listen 80;` line `listen`.
 */
export function siteConfig(
  example: string,
  options: { listen: string; upstreams: readonly string[] },
): string {
  const serverLine = /^(\s*)server 127\.0\.0\.1:\d+( [^;]*)?;\n/m;
  const first = serverLine.exec(example);
  if (!first) throw new Error("deploy/nginx/roundabout.conf: no `server 127.0.0.1:PORT …;` line");
  const servers = options.upstreams
    .map((address) => `${first[1]}server ${address}${first[2] ?? ""};\n`)
    .join("");
  const withServers = example
    .replace(new RegExp(serverLine.source, "gm"), "")
    .replace(/^(\s*upstream roundabout \{\n)/m, `$1${servers}`);
  if (!/^\s*listen 80;$/m.test(withServers))
    throw new Error("deploy/nginx/roundabout.conf: no `listen 80;` line");
  return withServers.replace(/^(\s*)listen 80;$/m, `$1listen ${options.listen};`);
}

/** compose.yaml's nginx site (deploy/nginx/compose.conf): the example with the two compose instances. */
export function composeNginxSite(): string {
  return siteConfig(readFileSync(NGINX_EXAMPLE, "utf8"), {
    listen: "80",
    upstreams: ["roundabout-1:3000", "roundabout-2:3000"],
  });
}

/** nginx.conf for a loopback listener in front of `upstreamPorts`: the operator's example, wrapped. */
export function nginxConfig(options: { dir: string; port: number; upstreamPorts: number[] }): string {
  const { dir } = options;
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${siteConfig(readFileSync(NGINX_EXAMPLE, "utf8"), {
  listen: `127.0.0.1:${options.port}`,
  upstreams: options.upstreamPorts.map((p) => `127.0.0.1:${p}`),
})}
}
`;
}

/** Starts nginx on `port`; needs /usr/sbin/nginx (`apt-get install -y nginx`). */
export async function startPrivateNginx(options: {
  dir: string;
  port: number;
  upstreamPorts: number[];
}): Promise<PrivateNginx> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: apt-get install -y nginx`);
  mkdirSync(options.dir, { recursive: true });
  // The worker runs as an unprivileged user and writes its temp files here.
  chmodSync(options.dir, 0o777);
  const conf = path.join(options.dir, "nginx.conf");
  writeFileSync(conf, nginxConfig(options));
  const child: ChildProcess = spawn(NGINX, ["-c", conf, "-p", options.dir], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${options.port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited; see ${options.dir}/error.log`);
    const up = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) }).then(
      () => true,
      () => false,
    );
    if (up) break;
    await sleep(100);
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGQUIT would wait for open connections; SIGTERM is nginx's fast shutdown.
      child.kill("SIGTERM");
      const gone = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!gone) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}
