import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { oauthChoices } from "../../lib/auth/providers";
import { ENV_KEYS, parseEnv } from "../../lib/env";

describe(".env.example", () => {
  it("documents every variable lib/env.ts reads", () => {
    const documented = new Set(
      readFileSync(".env.example", "utf8")
        .split("\n")
        .map((line) => line.match(/^([A-Z][A-Z0-9_]*)=/)?.[1])
        .filter((name): name is string => Boolean(name)),
    );
    // NODE_ENV is set by the tools (npm start, next build), and ATELIER_EMBEDDED_DB by the launcher.
    const undocumented = ENV_KEYS.filter(
      (key) => !documented.has(key) && key !== "NODE_ENV" && key !== "ATELIER_EMBEDDED_DB",
    );
    expect(undocumented).toEqual([]);
    expect([...documented].filter((key) => !ENV_KEYS.includes(key))).toEqual([]);
  });
});

describe("sign-in methods", () => {
  it("offer email only, then each provider once it is configured", () => {
    expect(oauthChoices(parseEnv({}))).toEqual([]);
    const all = parseEnv({
      AUTH_GITHUB_ID: "gh",
      AUTH_GITHUB_SECRET: "gh-secret",
      AUTH_GOOGLE_ID: "g",
      AUTH_GOOGLE_SECRET: "g-secret",
      AUTH_OIDC_ISSUER: "https://id.example.com",
      AUTH_OIDC_ID: "oidc",
      AUTH_OIDC_SECRET: "oidc-secret",
      AUTH_OIDC_NAME: "Example SSO",
    });
    expect(oauthChoices(all)).toEqual([
      { id: "github", name: "GitHub" },
      { id: "google", name: "Google" },
      { id: "oidc", name: "Example SSO" },
    ]);
  });
});
