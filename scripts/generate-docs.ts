// `npm run docs:generate`: writes the generated references (configuration, troubleshooting) into docs/
// and compose's nginx site (deploy/nginx/roundabout.conf with the compose instances as upstreams).
// tests/docs/generated-docs.test.ts fails when the files differ from what this writes.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { composeNginxSite } from "../bench/drills/private-nginx";
import { renderConfigurationReference } from "../src/config/env-reference";
import { renderTroubleshootingReference } from "../src/core/errors/troubleshooting-reference";

const root = path.join(import.meta.dirname, "..");
writeFileSync(path.join(root, "docs/configuration.md"), renderConfigurationReference());
writeFileSync(path.join(root, "docs/troubleshooting.md"), renderTroubleshootingReference());
writeFileSync(path.join(root, "deploy/nginx/compose.conf"), composeNginxSite());
console.log("wrote docs/configuration.md, docs/troubleshooting.md and deploy/nginx/compose.conf");
