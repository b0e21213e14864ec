import { type Env, env } from "@/lib/env";
import { hitRateLimit, type RateLimitResult, retryIn, type SqlRunner } from "@/lib/rate-limit/limiter";

// The studio's limits, each configured in lib/env.ts (RATE_LIMIT_*), and what a refused caller is told.
// No `server-only`: submitGeneration (driven by tests and benchmarks) uses it.

export type RateLimitRefusal = { result: RateLimitResult; message: string };

const RULES = {
  signInEmailPerAddress: {
    setting: (e: Env) => e.RATE_LIMIT_SIGNIN_EMAIL_PER_ADDRESS,
    message: (wait: string) => `Too many sign-in emails for this address. Try again ${wait}.`,
  },
  signInEmailPerIp: {
    setting: (e: Env) => e.RATE_LIMIT_SIGNIN_EMAIL_PER_IP,
    message: (wait: string) => `Too many sign-in emails from your network. Try again ${wait}.`,
  },
  generationsPerUser: {
    setting: (e: Env) => e.RATE_LIMIT_GENERATIONS_PER_USER,
    message: (wait: string) =>
      `You are generating faster than the studio allows. Try again ${wait}; nothing was charged.`,
  },
  checkoutsPerUser: {
    setting: (e: Env) => e.RATE_LIMIT_CHECKOUTS_PER_USER,
    message: (wait: string) => `Too many checkouts opened. Try again ${wait}; nothing was charged.`,
  },
  referenceUploadsPerUser: {
    setting: (e: Env) => e.RATE_LIMIT_REFERENCE_UPLOADS_PER_USER,
    message: (wait: string) => `Too many reference images uploaded. Try again ${wait}.`,
  },
  sharePagePerIp: {
    setting: (e: Env) => e.RATE_LIMIT_SHARE_PAGE_PER_IP,
    message: (wait: string) => `Too many shared pages viewed from your network. Try again ${wait}.`,
  },
  shareImagePerIp: {
    setting: (e: Env) => e.RATE_LIMIT_SHARE_IMAGE_PER_IP,
    message: (wait: string) => `Too many shared images viewed from your network. Try again ${wait}.`,
  },
} as const;

export type RateLimitName = keyof typeof RULES;

/**
 * Counts `hits` (one unless said) on the named limit for `subject` (an address, a user id, an IP)
 * and returns the refusal when it is over, else null. A null subject (no known client address) is not limited.
 */
export async function checkRateLimit(
  database: SqlRunner,
  name: RateLimitName,
  subject: string | null,
  hits = 1,
): Promise<RateLimitRefusal | null> {
  if (subject === null) return null;
  const rule = RULES[name];
  const result = await hitRateLimit(database, { name, subject, setting: rule.setting(env()), hits });
  return result.allowed ? null : { result, message: rule.message(retryIn(result.retryAfterSeconds)) };
}
