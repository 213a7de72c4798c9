// Entry point of the operator commands (npm run backup | restore | rotate-secret | create-admin).
// Bundled to dist/ops.mjs by the build; scripts/ops.mjs picks it or this file. See src/ops/README.md.
import { runOpsCli } from "./src/ops/cli";
import { version } from "./package.json";

async function readStdin(): Promise<string | null> {
  if (process.stdin.isTTY) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8").trim();
  return text === "" ? null : text;
}

const code = await runOpsCli(process.argv.slice(2), process.env, {
  print: (line) => process.stdout.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
  readStdin,
  appVersion: version,
});
process.exit(code);
