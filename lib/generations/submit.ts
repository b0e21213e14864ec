import { z } from "zod";
import { isUniqueViolation, recordMovement } from "@/lib/credits/ledger";
import { type Db, db } from "@/lib/db";
import { env, type SafetyCheckerPolicy, safetyCheckerPolicy } from "@/lib/env";
import type { Generation } from "@/lib/generated/prisma/client";
import { GENERATION_MESSAGES } from "@/lib/generations/messages";
import { applySafetyPolicy, rowFromSettings, settingsInputSchema } from "@/lib/generations/settings";
import { generationEnqueuer, wakeWorkers } from "@/lib/jobs";
import { findModel } from "@/lib/models";
import { LOW_BALANCE_THRESHOLD } from "@/lib/pricing";
import { checkRateLimit } from "@/lib/rate-limit/policies";
import { ReferenceNotFoundError, recordReferences } from "@/lib/references/lineage";
import { defaultSourceKind } from "@/lib/upstream/source";
import { emitWebhookEvent } from "@/lib/webhooks/events";

// Submitting a generation: validate, then in ONE transaction record it as QUEUED, reserve its cost
// (one conditional debit, never negative) and add its job. Either all three happen or none.
// No `server-only`: benchmarks and tests drive it under tsx/vitest.

/** A client-made UUID (or any opaque token) naming one press of "Generate". */
export const idempotencyKeySchema = z
  .string({ error: "Missing submission key; reload the page." })
  .trim()
  .min(8, "Missing submission key; reload the page.")
  .max(100, "Invalid submission key; reload the page.")
  .regex(/^[A-Za-z0-9_-]+$/, "Invalid submission key; reload the page.");

export type SubmitFailure =
  | { ok: false; code: "invalid_input"; message: string; fields: Record<string, string> }
  | { ok: false; code: "spending_locked" | "account_frozen"; message: string }
  | { ok: false; code: "rate_limited"; message: string; retryAfterSeconds: number }
  | { ok: false; code: "too_many_active"; message: string }
  | { ok: false; code: "insufficient_credits"; message: string; balance: number; cost: number }
  | { ok: false; code: "unknown_user"; message: string };

export type SubmitResult = { ok: true; generation: Generation; created: boolean } | SubmitFailure;

class Refused extends Error {
  constructor(readonly failure: SubmitFailure) {
    super(failure.code);
  }
}

/** This key's generation exists already: the submit is a repeat. */
class Repeated extends Error {}

export async function submitGeneration({
  userId,
  input,
  idempotencyKey,
  database = db(),
  safetyChecker = safetyCheckerPolicy(),
}: {
  userId: string;
  /** The settings as a form sends them (lib/generations/settings.ts, settingsInputSchema). */
  input: unknown;
  idempotencyKey: string;
  database?: Db;
  /** SAFETY_CHECKER; tests pass each policy. */
  safetyChecker?: SafetyCheckerPolicy;
}): Promise<SubmitResult> {
  const key = idempotencyKeySchema.safeParse(idempotencyKey);
  if (!key.success) {
    const message = key.error.issues[0]?.message ?? "Invalid submission key; reload the page.";
    return { ok: false, code: "invalid_input", message, fields: { idempotencyKey: message } };
  }

  const parsed = settingsInputSchema.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[issue.path.join(".") || "form"] ??= issue.message;
    const message = parsed.error.issues[0]?.message ?? "Check the form and try again.";
    return (await repeatOf(database, userId, key.data)) ?? { ok: false, code: "invalid_input", message, fields };
  }
  const settings = applySafetyPolicy(parsed.data, safetyChecker);
  const model = findModel(settings.model);
  if (!model) {
    return (
      (await repeatOf(database, userId, key.data)) ?? {
        ok: false,
        code: "invalid_input",
        message: "Choose one of the studio's models.",
        fields: { model: "" },
      }
    );
  }
  const cost = settings.numImages * model.creditsPerImage;
  const e = env();
  const enqueue = await generationEnqueuer();

  try {
    const generation = await database.$transaction(
      async (tx) => {
        // The account row is locked first, so the dispute flag and the debit see one state of it.
        // NO KEY UPDATE (what the debit itself takes) rather than UPDATE: the Generation insert's
        // foreign-key check takes KEY SHARE on the same row, and the two must not deadlock.
        // The same statement looks for this key's generation: a repeated submit (double click,
        // network retry) returns the first one's generation as it is, refused by nothing. A repeat
        // racing the first is caught by the unique key instead (below).
        const [account] = await tx.$queryRaw<{ spendingLocked: boolean; frozen: boolean; repeated: boolean }[]>`
          SELECT u."spendingLocked", u."frozen",
            EXISTS (SELECT 1 FROM "Generation" g WHERE g."userId" = u."id" AND g."idempotencyKey" = ${key.data}) AS "repeated"
          FROM "User" u WHERE u."id" = ${userId} FOR NO KEY UPDATE OF u`;
        if (!account) throw new Refused({ ok: false, code: "unknown_user", message: "Your account was not found." });
        if (account.repeated) throw new Repeated();
        if (account.frozen) {
          throw new Refused({ ok: false, code: "account_frozen", message: GENERATION_MESSAGES.accountFrozen });
        }
        if (account.spendingLocked) {
          throw new Refused({ ok: false, code: "spending_locked", message: GENERATION_MESSAGES.spendingLocked });
        }
        // Under the account's row lock, so concurrent submits count each other. The per-minute hit
        // is in this transaction: a submit refused for any reason (credits too) does not count.
        const active = e.GENERATIONS_ACTIVE_PER_USER;
        if (active > 0) {
          const running = await tx.generation.count({ where: { userId, status: { in: ["QUEUED", "RUNNING"] } } });
          if (running >= active) {
            throw new Refused({
              ok: false,
              code: "too_many_active",
              message: GENERATION_MESSAGES.tooManyActive(active),
            });
          }
        }
        const limited = await checkRateLimit(tx, "generationsPerUser", userId);
        if (limited) {
          const { message, result } = limited;
          throw new Refused({ ok: false, code: "rate_limited", message, retryAfterSeconds: result.retryAfterSeconds });
        }
        const created = await tx.generation.create({
          data: {
            userId,
            idempotencyKey: key.data,
            ...rowFromSettings(settings),
            source: defaultSourceKind(),
            status: "QUEUED",
            costCredits: cost,
            deadlineAt: new Date(Date.now() + e.GENERATION_DEADLINE_SECONDS * 1000),
          },
        });
        // Lineage ("Made from", "Used in"), and the one check that every reference is the user's.
        await recordReferences(tx, { generationId: created.id, userId, referenceIds: settings.referenceIds }).catch(
          (error: unknown) => {
            if (!(error instanceof ReferenceNotFoundError)) throw error;
            const message = error.userMessage;
            throw new Refused({ ok: false, code: "invalid_input", message, fields: { referenceIds: message } });
          },
        );
        const reserved = await recordMovement(tx, {
          userId,
          kind: "RESERVE",
          amount: -cost,
          idempotencyKey: `reserve:${created.id}`,
          reason: `Generation: ${settings.numImages} ${settings.numImages === 1 ? "image" : "images"} reserved`,
          generationId: created.id,
        });
        if (!reserved.ok) {
          throw new Refused(
            reserved.code === "insufficient_credits"
              ? {
                  ok: false,
                  code: "insufficient_credits",
                  message: GENERATION_MESSAGES.insufficientCredits(reserved.balance, cost),
                  balance: reserved.balance,
                  cost,
                }
              : { ok: false, code: "unknown_user", message: "Your account was not found." },
          );
        }
        // Crossing below the low-balance line (not every spend while under it) tells webhooks once.
        if (reserved.balanceAfter < LOW_BALANCE_THRESHOLD && reserved.balanceAfter + cost >= LOW_BALANCE_THRESHOLD) {
          await emitWebhookEvent(tx, {
            userId,
            type: "credits.low",
            key: `credits.low:${created.id}`,
            data: { balance: reserved.balanceAfter, threshold: LOW_BALANCE_THRESHOLD, generation_id: created.id },
          });
        }
        await enqueue(tx, created.id);
        return created;
      },
      // Many submits of one account queue on its row lock; give them room rather than failing.
      { maxWait: 15_000, timeout: 20_000 },
    );
    wakeWorkers();
    return { ok: true, generation, created: true };
  } catch (error) {
    if (error instanceof Refused) return error.failure;
    if (!(error instanceof Repeated) && !isUniqueViolation(error)) throw error;
    // A repeat, or lost the race to a concurrent submit of the same key: that one's generation is the answer.
    const first = await repeatOf(database, userId, key.data);
    if (!first) throw error;
    return first;
  }
}

/** The answer to a repeated submit: the generation this key made, or null when it made none. */
async function repeatOf(database: Db, userId: string, idempotencyKey: string): Promise<SubmitResult | null> {
  const generation = await database.generation.findUnique({
    where: { userId_idempotencyKey: { userId, idempotencyKey } },
  });
  return generation ? { ok: true, generation, created: false } : null;
}
