import path from "node:path";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const ROOT = import.meta.dirname;

/**
 * Repository-relative globs as the absolute globs `import/no-restricted-paths` compares resolved paths
 * with. Every entry must be a glob (a single file as `name.*`): the rule refuses a mix.
 */
const at = (globs) => globs.map((glob) => path.join(ROOT, glob));

/** Every file of ours an import can reach (packages in node_modules are never restricted here). */
const OURS = ["src/**", "app/**", "tests/**", "bench/**", "scripts/**", "*.ts", "*.mjs"];

/**
 * One layering rule as its own config block: the files of the layer may not import `from` (default:
 * anything of ours) except `allow`. Imports are resolved first (relative and `@/` alike), so the rule
 * sees the file an import lands on, type-only imports included.
 *
 * Keep the blocks' `files` disjoint: a later block setting the same rule for a file replaces an earlier
 * one, it does not add to it. `eslint.config.test.ts` checks that every rule still fires.
 */
function layer({ name, files, ignores = [], zones }) {
  return {
    name: `roundabout/layers/${name}`,
    files,
    ignores,
    rules: {
      "import/no-restricted-paths": [
        "error",
        {
          basePath: ROOT,
          zones: zones.map(({ target = files, from = OURS, allow = [], message }) => ({
            target: at(target),
            from: at(from),
            except: at(allow),
            message,
          })),
        },
      ],
    },
  };
}

const layers = [
  layer({
    name: "core",
    files: ["src/core/**"],
    ignores: ["src/core/**/*.test.ts"],
    zones: [
      {
        allow: ["src/core/**"],
        message:
          "src/core is the pure domain: it imports only src/core (no database, framework, I/O or HTTP), so every layer may build on it.",
      },
    ],
  }),
  layer({
    name: "core-tests",
    files: ["src/core/**/*.test.ts"],
    zones: [
      {
        // Contract suites and fake-clock harnesses live in src/testing (no product module imports vitest).
        allow: ["src/core/**", "src/testing/**"],
        message:
          "Tests of src/core use only core and the shared test support in src/testing (contract suites, fake-clock harnesses).",
      },
    ],
  }),
  layer({
    name: "http",
    files: ["src/http/**"],
    zones: [
      {
        allow: ["src/http/**", "src/core/**"],
        message:
          "src/http sits below every HTTP-facing layer (server, admin API, health, observability): it may import only src/core.",
      },
    ],
  }),
  layer({
    name: "contracts",
    files: ["src/contracts/**"],
    zones: [
      {
        allow: ["src/contracts/**", "src/core/vocabulary/**"],
        message:
          "src/contracts is shared with the browser console: API shapes over the vocabulary (src/core/vocabulary) only, never server code.",
      },
    ],
  }),
  layer({
    name: "console",
    files: ["src/console/**", "src/components/**", "src/i18n/**", "app/**"],
    zones: [
      {
        target: ["src/console/**", "src/components/**", "src/i18n/**"],
        allow: [
          "src/console/**",
          "src/contracts/**",
          "src/components/**",
          "src/i18n/**",
          "src/core/vocabulary/**",
        ],
        message:
          "The console runs in the browser and talks to the server only over the admin API: it imports contracts, components, i18n and the vocabulary, never server modules.",
      },
      {
        // app/ holds thin route files rendering console components. None needs the process runtime
        // today; a server page that did (getProcessRuntime) would be a reviewed exception here.
        target: ["app/**"],
        allow: [
          "app/**",
          "src/console/**",
          "src/contracts/**",
          "src/components/**",
          "src/i18n/**",
          "src/core/vocabulary/**",
        ],
        message:
          "app/ route files stay thin: they render console components and read i18n, contracts and the vocabulary, never server modules.",
      },
    ],
  }),
  layer({
    name: "gateway",
    files: ["src/gateway/**"],
    zones: [
      {
        from: [
          "src/services/**",
          "src/admin-api/**",
          "src/console/**",
          "app/**",
          "src/server/**",
          "src/alerts/**",
          "src/auth/**",
          "src/db/execute-rows.*",
          "src/stats/*-query.ts",
        ],
        message:
          "The data plane routes from its in-memory snapshot: it may use the db client and schema (to build the snapshot and write logs) but never the control plane (services, admin API, alerts, auth, console, server) or read-side query modules.",
      },
    ],
  }),
  layer({
    name: "db-schema",
    files: ["src/db/schema/**"],
    zones: [
      {
        allow: ["src/db/schema/**", "src/core/vocabulary/**"],
        message:
          "The database schema is the bottom of the data layer: it imports only other schema files and the vocabulary.",
      },
    ],
  }),
  layer({
    name: "below-the-edge",
    files: [
      "src/health/**",
      "src/observability/**",
      "src/stats/**",
      "src/services/**",
      "src/alerts/**",
      "src/auth/**",
      "src/store/**",
      "src/security/**",
      "src/config/**",
      "src/db/*.ts",
    ],
    // Tests assemble whole servers (an admin API over real services) to drive a layer through its callers.
    ignores: ["**/*.test.ts"],
    zones: [
      {
        from: ["src/server/**", "src/admin-api/**", "src/console/**", "app/**"],
        message:
          "This layer sits below the HTTP edge: server/ and admin-api/ call its services and functions, never the reverse. Shared HTTP pieces (error bodies, NodeHandler, CSV) live in src/http.",
      },
    ],
  }),
];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      "dist/**",
      "data/**",
      "drizzle/**",
      "node_modules/**",
      "next-env.d.ts",
      "screenshots/**",
      ".bench/**",
      "coverage/**",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Test support lives in src/testing or beside the tests: no product module pulls vitest in.
    files: ["src/**/*.ts", "src/**/*.tsx", "app/**/*.ts", "app/**/*.tsx"],
    ignores: ["**/*.test.ts", "**/*.test.tsx", "src/testing/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "vitest",
              message:
                "Product code never imports vitest: test support lives in src/testing/ or beside the tests.",
            },
          ],
        },
      ],
    },
  },
  // Layers point down only: core ← store/db ← gateway/services ← admin-api/server ← console/app.
  // src/testing/** is under no layer rule: it assembles every layer for the suites.
  ...layers,
];

export default config;
