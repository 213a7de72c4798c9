// `npm test` runs this first, so the README's test command works on a fresh development machine:
// it starts the loopback PostgreSQL and Redis when they are down (the same idempotent commands as
// .ci/run) and installs Debian's chromium for the browser suite when it is missing. Anything it cannot
// fix it only reports; the suites that need the missing piece then fail loudly, never skip.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";

const CHROMIUM = "/usr/bin/chromium";
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

/** Runs a command quietly; true when it exited 0. */
function succeeds(command, args) {
  return spawnSync(command, args, { stdio: "ignore" }).status === 0;
}

/** Runs a command with its output shown; true when it exited 0. */
function run(command, args, env = process.env) {
  return spawnSync(command, args, { stdio: "inherit", env }).status === 0;
}

/** Retries `check` once a second for up to 30 s. */
function waitFor(check) {
  for (let i = 0; i < 30; i++) {
    if (check()) return true;
    spawnSync("sleep", ["1"]);
  }
  return false;
}

// Only the default loopback services are ours to start; an explicit URL is the caller's business.
const usesDefault = (name) => process.env[name] === undefined || process.env[name] === "";

if (usesDefault("TEST_DATABASE_URL") && existsSync("/etc/postgresql")) {
  const ready = () => succeeds("pg_isready", ["-h", "127.0.0.1", "-p", "5432", "-q"]);
  if (!ready()) {
    console.log("[test] PostgreSQL on 127.0.0.1:5432 is down: starting it");
    const version = readdirSync("/etc/postgresql")[0];
    if (version) run("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"]);
    if (!waitFor(ready)) console.log("[test] PostgreSQL did not come up; its suites will fail");
  }
}

if (usesDefault("TEST_REDIS_URL")) {
  const ready = () => succeeds("redis-cli", ["-h", "127.0.0.1", "-p", "6379", "ping"]);
  if (!ready() && succeeds("sh", ["-c", "command -v redis-server"])) {
    console.log("[test] Redis on 127.0.0.1:6379 is down: starting it");
    run("redis-server", [
      "--daemonize",
      "yes",
      "--bind",
      "127.0.0.1",
      "--port",
      "6379",
      "--save",
      "",
      "--appendonly",
      "no",
    ]);
    if (!waitFor(ready)) console.log("[test] Redis did not come up; its suites will fail");
  }
}

if (!existsSync(CHROMIUM)) {
  if (isRoot && succeeds("sh", ["-c", "command -v apt-get"])) {
    console.log("[test] installing Debian's chromium for the browser suite (once; about a minute)…");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    run("apt-get", ["update", "-qq"], env);
    run("apt-get", ["install", "-y", "-qq", "chromium", "fonts-liberation", "fonts-noto-cjk"], env);
  } else {
    console.log(
      `[test] ${CHROMIUM} is missing and cannot be installed from here; the browser suite will fail. ` +
        "Install it with: apt-get install -y chromium fonts-liberation fonts-noto-cjk",
    );
  }
}

// The deployment tests check the nginx example with `nginx -t`, and the drills run it.
if (!existsSync("/usr/sbin/nginx")) {
  if (isRoot && succeeds("sh", ["-c", "command -v apt-get"])) {
    console.log("[test] installing nginx-light for the deployment tests and drills (once)…");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    run("apt-get", ["install", "-y", "-qq", "nginx-light"], env);
  } else {
    console.log(
      "[test] /usr/sbin/nginx is missing; tests/deploy will fail. Install it: apt-get install -y nginx-light",
    );
  }
}
