import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sleep } from "./drill-figures";

/**
 * A private nginx (master + one worker, `daemon off`) with a temp config, balancing two Roundabout
 * instances the way an operator would put them behind it: keep-alive upstream connections, a failed
 * connect or a timeout moves the request to the other instance (`proxy_next_upstream error timeout`;
 * a POST already sent is not replayed — nginx's default, right for non-idempotent LLM calls), and no
 * buffering so SSE frames pass at once. `X-Upstream` tells the drill which instance answered.
 */

export interface PrivateNginx {
  readonly url: string;
  stop(): Promise<void>;
}

const NGINX = "/usr/sbin/nginx";

/** nginx.conf for a loopback listener in front of `upstreamPorts`. */
export function nginxConfig(options: { dir: string; port: number; upstreamPorts: number[] }): string {
  const { dir } = options;
  const servers = options.upstreamPorts
    .map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`)
    .join("\n");
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
  upstream roundabout {
${servers}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${options.port};
    location / {
      proxy_pass http://roundabout;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_buffering off;
      proxy_cache off;
      proxy_connect_timeout 2s;
      proxy_read_timeout 120s;
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 2;
      add_header X-Upstream $upstream_addr always;
    }
  }
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
