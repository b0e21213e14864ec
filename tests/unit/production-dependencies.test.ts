import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

// A production install (`npm ci --omit=dev`, the Dockerfile's runtime stage) has only
// "dependencies". Every package the server, the worker and the operator commands import at run
// time must be one of them (fflate, used by the zip download, once was a devDependency).

const RUNTIME_ROOTS = ["app", "components", "lib", "instrumentation.ts", "proxy.ts", "next.config.ts"];
const RUNTIME_SCRIPTS = ["start.ts", "worker.ts", "migrate.ts", "admin.ts", "ledger-check.ts", "cli-database.ts"];
// Loaded only by `npm run dev` (scripts/start.ts --dev), never in production.
const DEV_ONLY = new Set(["pino-pretty"]);

function files(root: string): string[] {
  if (statSync(root).isFile()) return [root];
  return readdirSync(root, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(root, e.name);
    if (e.isDirectory()) return full.includes(path.join("lib", "generated")) ? [] : files(full);
    return /\.(ts|tsx|mjs|js)$/.test(e.name) ? [full] : [];
  });
}

function packagesImportedBy(file: string): string[] {
  const source = readFileSync(file, "utf8");
  const specifiers = [
    // Value imports and re-exports (not `import type`), dynamic imports, require.
    ...source.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gm),
    ...source.matchAll(/(?:import|require)\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1] ?? "");
  return specifiers
    .filter((s) => s && !s.startsWith(".") && !s.startsWith("@/") && !s.startsWith("node:"))
    .map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : (s.split("/")[0] ?? s)))
    .filter((name) => !builtinModules.includes(name));
}

describe("a production install", () => {
  it("has every package the server, worker and operator commands import", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string> };
    const sources = [...RUNTIME_ROOTS.flatMap(files), ...RUNTIME_SCRIPTS.map((s) => path.join("scripts", s))];
    const missing = new Set<string>();
    for (const file of sources) {
      for (const name of packagesImportedBy(file)) {
        if (!(name in pkg.dependencies) && !DEV_ONLY.has(name)) missing.add(`${name} (${file})`);
      }
    }
    expect([...missing]).toEqual([]);
    // The worker and migrate commands run under tsx in production.
    expect(pkg.dependencies).toHaveProperty("tsx");
  });
});
