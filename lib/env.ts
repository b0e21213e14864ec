import { z } from "zod";

// Empty strings count as missing: `.env` files often carry `KEY=` placeholders.
const optional = z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().optional());
const optionalUrl = z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.url().optional());
const intWithDefault = (fallback: number, min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.coerce.number().int().min(min).max(max).default(fallback),
  );
const flag = z.preprocess(
  (v) => (typeof v === "string" ? ["1", "true", "yes"].includes(v.toLowerCase()) : false),
  z.boolean(),
);

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z.preprocess(
      (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection string")
        .optional(),
    ),
    // Set by scripts/start.ts when it runs the embedded PostgreSQL on this machine.
    ATELIER_EMBEDDED_DB: flag,
    DATA_DIR: z.string().default(".data"),
    AUTH_SECRET: z.preprocess(
      (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
      z.string().min(32, "must be at least 32 characters (try `openssl rand -base64 33`)").optional(),
    ),
    AUTH_URL: optionalUrl,
    EMAIL_SERVER: z.preprocess(
      (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
      z
        .string()
        .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
        .optional(),
    ),
    EMAIL_FROM: z.string().default("Atelier <no-reply@atelier.local>"),
    AUTH_GITHUB_ID: optional,
    AUTH_GITHUB_SECRET: optional,
    AUTH_GOOGLE_ID: optional,
    AUTH_GOOGLE_SECRET: optional,
    AUTH_OIDC_ISSUER: optionalUrl,
    AUTH_OIDC_ID: optional,
    AUTH_OIDC_SECRET: optional,
    AUTH_OIDC_NAME: z.string().default("Single sign-on"),
    SIGNUP_GRANT_CREDITS: intWithDefault(20, 0, 100_000),
    STRIPE_SECRET_KEY: optional,
    STRIPE_WEBHOOK_SECRET: optional,
    STRIPE_API_BASE: optionalUrl,
    AIML_API_KEY: optional,
    AIML_API_BASE_URL: z.url().default("https://api.aimlapi.com"),
    AIML_TIMEOUT_MS: intWithDefault(120_000, 60_000, 600_000),
    AIML_MAX_RETRIES: intWithDefault(2, 0, 5),
    AIML_IMAGE_HOSTS: z.string().default("fal.media,*.fal.media,cdn.aimlapi.com,*.aimlapi.com"),
    GENERATION_DEADLINE_SECONDS: intWithDefault(600, 120, 3600),
    // How long one run of a generation job may hold it: past this the job is taken to have died with
    // its worker (crash, kill -9) and is run again. Each run stops its upstream call before then.
    GENERATION_ATTEMPT_SECONDS: intWithDefault(420, 5, 3600),
    // Generation jobs one process works on at once. Mostly waiting on the upstream (10-20 s a call),
    // so well above the core count; the CPU part (ingest) runs on sharp's own thread pool.
    GENERATION_CONCURRENCY: intWithDefault(16, 1, 64),
    STORAGE_DIR: optional,
    S3_BUCKET: optional,
    S3_REGION: z.string().default("us-east-1"),
    S3_ENDPOINT: optionalUrl,
    S3_ACCESS_KEY_ID: optional,
    S3_SECRET_ACCESS_KEY: optional,
    S3_FORCE_PATH_STYLE: flag,
    RUN_WORKERS: z.preprocess((v) => (v === undefined ? true : v !== "0" && v !== "false"), z.boolean()),
  })
  .superRefine((env, ctx) => {
    const pairs: [keyof typeof env, keyof typeof env][] = [
      ["AUTH_GITHUB_ID", "AUTH_GITHUB_SECRET"],
      ["AUTH_GOOGLE_ID", "AUTH_GOOGLE_SECRET"],
      ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"],
      ["S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"],
    ];
    for (const [a, b] of pairs) {
      if (Boolean(env[a]) !== Boolean(env[b])) {
        const missing = env[a] ? b : a;
        ctx.addIssue({ code: "custom", path: [missing], message: `is required when ${env[a] ? a : b} is set` });
      }
    }
    const oidc = [env.AUTH_OIDC_ISSUER, env.AUTH_OIDC_ID, env.AUTH_OIDC_SECRET];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      for (const key of ["AUTH_OIDC_ISSUER", "AUTH_OIDC_ID", "AUTH_OIDC_SECRET"] as const) {
        if (!env[key])
          ctx.addIssue({ code: "custom", path: [key], message: "is required when any AUTH_OIDC_* is set" });
      }
    }
    const deployed = env.NODE_ENV === "production" && !env.ATELIER_EMBEDDED_DB;
    if (deployed && !env.AUTH_SECRET) {
      ctx.addIssue({ code: "custom", path: ["AUTH_SECRET"], message: "is required in production" });
    }
    if (deployed && !env.DATABASE_URL) {
      ctx.addIssue({ code: "custom", path: ["DATABASE_URL"], message: "is required in production" });
    }
  });

export type Env = z.infer<typeof schema>;

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "environment";
    const message = issue.code === "invalid_type" && issue.input === undefined ? "is missing" : issue.message;
    return `  - ${name} ${message}`;
  });
  throw new EnvError(`Invalid configuration:\n${lines.join("\n")}\nSee .env.example for every variable.`);
}

let cached: Env | undefined;

/** The validated configuration. Throws an EnvError naming each bad variable. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Mail goes to the local outbox page only on a developer's own machine with no SMTP server. */
export function outboxEnabled(e: Env = env()): boolean {
  return !e.EMAIL_SERVER && (e.NODE_ENV !== "production" || e.ATELIER_EMBEDDED_DB);
}

export function stripeConfigured(e: Env = env()): boolean {
  return Boolean(e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET);
}

/** Every variable the studio reads (all documented in .env.example). */
export const ENV_KEYS: readonly string[] = Object.keys(schema.shape);
