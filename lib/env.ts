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

// A limit written as "COUNT/WINDOW" (3/10m, 60/1m, 500/1h, 30s windows too), or "off".
const WINDOW_SECONDS = { s: 1, m: 60, h: 3600 } as const;
export type RateLimitSetting = { limit: number; windowSeconds: number } | null;
const rateLimit = (fallback: string) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() !== "" ? v.trim().toLowerCase() : fallback),
    z
      .string()
      .regex(/^(off|\d{1,6}\/\d{1,4}[smh])$/, 'must be COUNT/WINDOW such as "3/10m", "60/1m", "500/1h", or "off"')
      .transform((v): RateLimitSetting => {
        if (v === "off") return null;
        const [count = "0", window = "1m"] = v.split("/");
        const unit = window.slice(-1) as keyof typeof WINDOW_SECONDS;
        return { limit: Number(count), windowSeconds: Number(window.slice(0, -1)) * WINDOW_SECONDS[unit] };
      })
      .refine(
        (v) => v === null || (v.limit > 0 && v.windowSeconds > 0),
        "must allow at least 1 in a window of 1s or more",
      ),
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
    // Who may open /admin: a comma- or space-separated list of account emails (compared lowercased).
    ADMIN_EMAILS: z.preprocess(
      (v) =>
        typeof v === "string"
          ? v
              .split(/[\s,]+/)
              .map((email) => email.trim().toLowerCase())
              .filter(Boolean)
          : [],
      z.array(z.email("must list email addresses separated by commas")),
    ),
    STRIPE_SECRET_KEY: optional,
    STRIPE_WEBHOOK_SECRET: optional,
    STRIPE_API_BASE: optionalUrl,
    AIML_API_KEY: optional,
    AIML_API_BASE_URL: z.url().default("https://api.aimlapi.com"),
    AIML_TIMEOUT_MS: intWithDefault(120_000, 60_000, 600_000),
    AIML_MAX_RETRIES: intWithDefault(2, 0, 5),
    AIML_IMAGE_HOSTS: z.string().default("fal.media,*.fal.media,cdn.aimlapi.com,*.aimlapi.com"),
    // Public API (/v1): how long POST /v1/images/generations waits for the images before answering
    // 202 with a generation to poll, and how long its signed image links work.
    API_SYNC_WAIT_SECONDS: intWithDefault(100, 0, 600),
    API_IMAGE_URL_TTL_SECONDS: intWithDefault(3600, 60, 7 * 86_400),
    // Outgoing webhooks go to public https addresses only. Tests list exact `http://127.0.0.1:PORT`
    // receivers here (loopback allowed for exactly those); leave it empty in production.
    WEBHOOK_TEST_URLS: z.string().default(""),
    GENERATION_DEADLINE_SECONDS: intWithDefault(600, 120, 3600),
    // How long one run of a generation job may hold it: past this the job is taken to have died with
    // its worker (crash, kill -9) and is run again. Each run stops its upstream call before then.
    GENERATION_ATTEMPT_SECONDS: intWithDefault(420, 5, 3600),
    // Generations one process keeps in flight: jobs waiting on the image model (I/O, 10-20 s a call,
    // no database connection held), not CPU work, which runs behind a per-core semaphore
    // (lib/cpu-slots.ts). See docs/generation.md, "Concurrency".
    GENERATION_CONCURRENCY: intWithDefault(200, 1, 1000),
    STORAGE_DIR: optional,
    S3_BUCKET: optional,
    S3_REGION: z.string().default("us-east-1"),
    S3_ENDPOINT: optionalUrl,
    S3_ACCESS_KEY_ID: optional,
    S3_SECRET_ACCESS_KEY: optional,
    S3_FORCE_PATH_STYLE: flag,
    // The address `npm start` listens on. Loopback by default: the studio is yours alone until you
    // decide otherwise (0.0.0.0 or a LAN address shares it; start-up refuses while mail goes to the outbox).
    HOST: z.preprocess(
      (v) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined),
      z.string().default("127.0.0.1"),
    ),
    // How many proxies in front of the studio append to X-Forwarded-For (0: none, the default; "true" = 1).
    // Only then does the client address come from that header; otherwise anyone could claim any address.
    TRUST_PROXY: z.preprocess((v) => {
      if (typeof v !== "string" || v.trim() === "") return 0;
      const s = v.trim().toLowerCase();
      if (["true", "yes"].includes(s)) return 1;
      if (["false", "no"].includes(s)) return 0;
      return s;
    }, z.coerce.number().int().min(0).max(10)),
    RATE_LIMIT_SIGNIN_EMAIL_PER_ADDRESS: rateLimit("3/10m"),
    RATE_LIMIT_SIGNIN_EMAIL_PER_IP: rateLimit("10/10m"),
    RATE_LIMIT_GENERATIONS_PER_USER: rateLimit("20/1m"),
    // Generations one user may have queued or running at once (0 = no cap).
    GENERATIONS_ACTIVE_PER_USER: intWithDefault(8, 0, 1000),
    RATE_LIMIT_CHECKOUTS_PER_USER: rateLimit("10/10m"),
    RATE_LIMIT_REFERENCE_UPLOADS_PER_USER: rateLimit("60/10m"),
    RATE_LIMIT_SHARE_PAGE_PER_IP: rateLimit("120/1m"),
    RATE_LIMIT_SHARE_IMAGE_PER_IP: rateLimit("600/1m"),
    // Who decides the image service's safety checker: the operator ("enforced": always on, the form
    // does not offer it) or each user ("user-choice"). Default: enforced in production.
    SAFETY_CHECKER: z.preprocess(
      (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
      z.enum(["enforced", "user-choice"], { error: 'must be "enforced" or "user-choice"' }).optional(),
    ),
    RATE_LIMIT_API_PER_KEY: rateLimit("120/1m"),
    RUN_WORKERS: z.preprocess((v) => (v === undefined ? true : v !== "0" && v !== "false"), z.boolean()),
    // Operations (docs/deploy.md): log level, the bearer token /api/metrics requires (unset: no
    // metrics endpoint), and how long a stopping process lets running generations finish.
    LOG_LEVEL: z.preprocess(
      (v) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.toLowerCase() : v),
      z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    ),
    METRICS_TOKEN: z.preprocess(
      (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
      z.string().min(16, "must be at least 16 characters (try `openssl rand -hex 24`)").optional(),
    ),
    SHUTDOWN_GRACE_SECONDS: intWithDefault(25, 0, 3600),
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

export type SafetyCheckerPolicy = "enforced" | "user-choice";

/** SAFETY_CHECKER, else enforced in production and the user's choice elsewhere. */
export function safetyCheckerPolicy(e: Env = env()): SafetyCheckerPolicy {
  return e.SAFETY_CHECKER ?? (e.NODE_ENV === "production" ? "enforced" : "user-choice");
}

export function stripeConfigured(e: Env = env()): boolean {
  return Boolean(e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET);
}

/** Every variable the studio reads (all documented in .env.example). */
export const ENV_KEYS: readonly string[] = Object.keys(schema.shape);
