import { describe, expect, it } from "vitest";
import { outboxEnabled, parseEnv } from "../../lib/env";

const secret = "x".repeat(40);

describe("configuration", () => {
  it("names every missing or malformed variable at once", () => {
    expect(() =>
      parseEnv({
        NODE_ENV: "production",
        DATABASE_URL: "mysql://nope",
        EMAIL_SERVER: "http://mail",
        AIML_TIMEOUT_MS: "5",
      }),
    ).toThrowError(
      /DATABASE_URL must be a postgresql:\/\/ connection string[\s\S]*EMAIL_SERVER must be an smtp:\/\/ or smtps:\/\/ URL[\s\S]*AIML_TIMEOUT_MS[\s\S]*AUTH_SECRET is required in production/,
    );
  });

  it("requires AUTH_SECRET and DATABASE_URL in production, not in development", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrowError(
      /AUTH_SECRET is required in production[\s\S]*DATABASE_URL is required in production/,
    );
    expect(parseEnv({ NODE_ENV: "development" }).AUTH_SECRET).toBeUndefined();
    expect(parseEnv({ NODE_ENV: "production", AUTH_SECRET: secret, DATABASE_URL: "postgresql://db/x" }).NODE_ENV).toBe(
      "production",
    );
  });

  it("treats empty strings as missing", () => {
    const e = parseEnv({ NODE_ENV: "development", AIML_API_KEY: "", STRIPE_SECRET_KEY: " " });
    expect(e.AIML_API_KEY).toBeUndefined();
    expect(e.STRIPE_SECRET_KEY).toBeUndefined();
  });

  it("insists on complete pairs and OpenID Connect triples", () => {
    expect(() => parseEnv({ STRIPE_SECRET_KEY: "sk_test_1" })).toThrowError(
      /STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set/,
    );
    expect(() => parseEnv({ AUTH_OIDC_ISSUER: "https://id.example.com" })).toThrowError(
      /AUTH_OIDC_ID[\s\S]*AUTH_OIDC_SECRET/,
    );
  });

  it("keeps the development outbox off in a deployment and whenever SMTP is configured", () => {
    expect(outboxEnabled(parseEnv({ NODE_ENV: "development" }))).toBe(true);
    expect(outboxEnabled(parseEnv({ NODE_ENV: "development", EMAIL_SERVER: "smtp://localhost:25" }))).toBe(false);
    expect(
      outboxEnabled(parseEnv({ NODE_ENV: "production", AUTH_SECRET: secret, DATABASE_URL: "postgresql://db/x" })),
    ).toBe(false);
    // `npm start` on the embedded database is one person's own machine.
    expect(outboxEnabled(parseEnv({ NODE_ENV: "production", ATELIER_EMBEDDED_DB: "1" }))).toBe(true);
  });
  it("reads ADMIN_EMAILS as a lowercased list and names a malformed entry", () => {
    expect(parseEnv({}).ADMIN_EMAILS).toEqual([]);
    expect(parseEnv({ ADMIN_EMAILS: " Ada@Example.com, ops@example.com ,," }).ADMIN_EMAILS).toEqual([
      "ada@example.com",
      "ops@example.com",
    ]);
    expect(() => parseEnv({ ADMIN_EMAILS: "ada@example.com, Ada Lovelace" })).toThrowError(/ADMIN_EMAILS/);
  });
});

describe("network and rate-limit settings", () => {
  it("listen on loopback and trust no proxy by default", () => {
    const e = parseEnv({});
    expect(e.HOST).toBe("127.0.0.1");
    expect(e.TRUST_PROXY).toBe(0);
    expect(parseEnv({ TRUST_PROXY: "true" }).TRUST_PROXY).toBe(1);
    expect(parseEnv({ TRUST_PROXY: "2" }).TRUST_PROXY).toBe(2);
  });

  it("read limits as COUNT/WINDOW or off, and name a malformed one", () => {
    const e = parseEnv({ RATE_LIMIT_SIGNIN_EMAIL_PER_ADDRESS: "5/1h", RATE_LIMIT_SHARE_PAGE_PER_IP: "off" });
    expect(e.RATE_LIMIT_SIGNIN_EMAIL_PER_ADDRESS).toEqual({ limit: 5, windowSeconds: 3600 });
    expect(e.RATE_LIMIT_SHARE_PAGE_PER_IP).toBeNull();
    expect(parseEnv({}).RATE_LIMIT_SIGNIN_EMAIL_PER_ADDRESS).toEqual({ limit: 3, windowSeconds: 600 });
    expect(() => parseEnv({ RATE_LIMIT_GENERATIONS_PER_USER: "lots" })).toThrow(
      /RATE_LIMIT_GENERATIONS_PER_USER must be/,
    );
    expect(() => parseEnv({ RATE_LIMIT_CHECKOUTS_PER_USER: "0/1m" })).toThrow(/RATE_LIMIT_CHECKOUTS_PER_USER must/);
  });
});
