import { describe, expect, it } from "vitest";
import { submitGeneration } from "../../lib/generations/submit";
import { startGenerationWorkers } from "../../lib/generations/worker";
import { configureLogOutput, log, withLogContext } from "../../lib/log";
import { createUser, openTestDb } from "../support/db";
import { newKey, openTestJobs, waitForSettled } from "../support/generations";
import { openTestUpstream } from "../support/upstream-env";

// The log output of real generations (one that completes, one the provider refuses) at the
// default level: every line carries a request id, the worker's lines carry the submitting
// request's id with the user and generation ids, and no prompt, email or secret appears anywhere.

const API_KEY = "sk-aiml-9f2c41d7e0b3a6c58e1d";
const EMAIL = "heron-painter-4821@example.org";
const PROMPTS = ["a violet heron over quiet marshes", "[[status:422]] a crimson zeppelin above the dunes"];

const output: string[] = [];
process.env.LOG_LEVEL = "info";
configureLogOutput({ write: (line: string) => void output.push(line) });

await openTestUpstream({ apiKey: API_KEY });

const testDb = await openTestDb();
const { db } = testDb;
openTestJobs(testDb);
await startGenerationWorkers({ concurrency: 2 });

type Line = Record<string, unknown>;
const lines = (): Line[] =>
  output.flatMap((chunk) =>
    chunk
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line),
  );

describe("the log of a generation", () => {
  it("joins request, user and generation, and holds no prompt, email or secret", async () => {
    const user = await createUser(db, { email: EMAIL, credits: 100 });
    const ids: string[] = [];
    for (const [index, prompt] of PROMPTS.entries()) {
      const submitted = await withLogContext({ requestId: `req-log-${index}`, userId: user.id }, () =>
        submitGeneration({
          userId: user.id,
          input: { prompt, sizePreset: "square", numImages: 1 },
          idempotencyKey: newKey(),
        }),
      );
      if (!submitted.ok) throw new Error(submitted.message);
      ids.push(submitted.generation.id);
    }
    const settled = await Promise.all(ids.map((id) => waitForSettled(db, id)));
    expect(settled.map((g) => g.status)).toEqual(["COMPLETED", "FAILED"]);

    const all = lines();
    for (const [index, id] of ids.entries()) {
      const mine = all.filter((l) => l.generationId === id);
      expect(mine.map((l) => l.msg)).toEqual(expect.arrayContaining(["generation: run started"]));
      for (const line of mine) expect(line).toMatchObject({ requestId: `req-log-${index}`, userId: user.id });
    }
    expect(all.filter((l) => l.generationId === ids[1]).map((l) => l.msg)).toContain("generation: upstream failure");
    expect(all.every((l) => typeof l.requestId === "string")).toBe(true);

    const text = output.join("");
    for (const secret of [EMAIL, API_KEY, "violet heron", "crimson zeppelin", "quiet marshes"]) {
      expect(text).not.toContain(secret);
    }
  });

  it("redacts prompt, email and secret fields that slip into a call", () => {
    output.length = 0;
    log.info("slipped", {
      prompt: "a violet heron",
      user: { email: EMAIL },
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    const [line] = lines();
    expect(line).toMatchObject({ prompt: "[redacted]", user: { email: "[redacted]" } });
    expect(output.join("")).not.toContain(API_KEY);
    expect(output.join("")).not.toContain(EMAIL);
  });
});
