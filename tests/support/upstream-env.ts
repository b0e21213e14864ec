import { afterAll } from "vitest";
import { type FakeUpstream, type FakeUpstreamOptions, startFakeUpstream } from "./fake-upstream";

// Kept apart from fake-upstream.ts, which also runs as a plain script for the end-to-end stack,
// where vitest cannot be imported. Imports nothing from lib/: files that must set the environment
// before lib/env first reads it import this first and the studio's modules after.

export type TestUpstreamOptions = FakeUpstreamOptions & {
  /** AIML_MAX_RETRIES; unset leaves the studio's default. */
  maxRetries?: number;
  /** More variables, set together with AIML_*. */
  env?: Record<string, string>;
};

/**
 * A test file's fake AI/ML upstream (small images unless `scale` says otherwise; closed after the
 * file) with this process's AIML_* environment pointed at it.
 */
export async function openTestUpstream({
  maxRetries,
  env = {},
  ...options
}: TestUpstreamOptions = {}): Promise<FakeUpstream> {
  const fake = await startFakeUpstream({ scale: 0.0625, ...options });
  afterAll(() => fake.close());
  Object.assign(process.env, {
    AIML_API_KEY: options.apiKey ?? "test-key",
    AIML_API_BASE_URL: fake.url,
    AIML_IMAGE_HOSTS: fake.url,
    ...(maxRetries === undefined ? {} : { AIML_MAX_RETRIES: String(maxRetries) }),
    ...env,
  });
  return fake;
}
