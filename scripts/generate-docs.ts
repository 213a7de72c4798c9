// `npm run docs:generate`: writes the generated references (configuration, troubleshooting) into docs/.
// tests/docs/generated-docs.test.ts fails when the files differ from what this writes.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { renderConfigurationReference } from "../src/config/env-reference";
import { renderTroubleshootingReference } from "../src/core/errors/troubleshooting-reference";

const root = path.join(import.meta.dirname, "..");
writeFileSync(path.join(root, "docs/configuration.md"), renderConfigurationReference());
writeFileSync(path.join(root, "docs/troubleshooting.md"), renderTroubleshootingReference());
console.log("wrote docs/configuration.md and docs/troubleshooting.md");
