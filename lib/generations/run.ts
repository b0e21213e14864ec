import { createHash } from "node:crypto";
import type { Tx } from "@/lib/credits/ledger";
import type { Db } from "@/lib/db";
import {
  type CallOutcome,
  parseSavedAnswer,
  type RecordedCall,
  recordCall,
  type SavedImage,
} from "@/lib/generations/answer";
import { GENERATION_MESSAGES } from "@/lib/generations/messages";
import { notifyGenerationChangedSql } from "@/lib/generations/notify";
import { ReferenceUnavailableError, type ResolveReferences, storedReferences } from "@/lib/generations/references";
import { type RetryPolicy, STORAGE_RETRY, withRetries } from "@/lib/generations/retry";
import {
  callCount,
  type GenerationSettings,
  modelOf,
  requestFromSettings,
  SEED_MAX,
  settingsFromRow,
} from "@/lib/generations/settings";
import { type Outcome, type SettleResult, type StoredImage, settleGeneration } from "@/lib/generations/settle";
import { fetchImage } from "@/lib/images/fetch";
import { inspectImage } from "@/lib/images/ingest";
import { derivativesEnqueuer, type Enqueue } from "@/lib/jobs";
import { log } from "@/lib/log";
import { objectStore } from "@/lib/storage";
import { imageKey, type ObjectStore } from "@/lib/storage/types";
import { providerErrorText, upstreamError } from "@/lib/upstream/errors";
import { imageSourceFor } from "@/lib/upstream/source";
import { type ImageSource, UpstreamError } from "@/lib/upstream/types";

// One run of a generation job: claim it, make the calls to the image source that have no saved
// answer yet (one call, or one per image for a model without `num_images`, concurrently), save
// each answer as it arrives, keep the images, settle. A resumed attempt makes only the calls that
// never answered. Runs in the web server's process or in `npm run worker` (tsx): no
// `server-only`, no Next APIs.

export type RunOptions = {
  /** GENERATION_ATTEMPT_SECONDS: the lease a run holds; past it the job counts as lost and runs again. */
  attemptSeconds: number;
  /** The job has no retry left: an unexpected error refunds instead of rethrowing. */
  lastAttempt: boolean;
  /**
   * Aborted when this process is shutting down: an unfinished model call ends and the generation
   * goes back to the queue (result "handed_back") for another process to run.
   */
  shutdown?: AbortSignal;
  /** Overrides for tests; default to the configured source and store. */
  source?: ImageSource;
  store?: ObjectStore;
  /** Retries of each storage operation and of saving the answer, within the attempt. */
  retry?: RetryPolicy;
  /** Queues the thumbnails of a generation settling with images, in its settling transaction. */
  enqueueDerivatives?: Enqueue;
  /** The generation's reference images as data URLs (lib/generations/references.ts). */
  resolveReferences?: ResolveReferences;
};

export type RunResult =
  | { kind: "settled"; settle: Extract<SettleResult, { settled: true }> }
  /** Already completed or refunded by another run or the sweeper: nothing to do. */
  | { kind: "already_settled" }
  /** This run lost its lease (another run took over) before it could settle; the newer run owns the files. */
  | { kind: "superseded" }
  /** Stopped by a shutdown before the model answered: QUEUED again, for the caller to re-queue. */
  | { kind: "handed_back" };

/** Another run holds the generation's lease until `leaseEndsAt`; try again then, not before. */
export class LeaseHeldError extends Error {
  constructor(
    readonly generationId: string,
    readonly leaseEndsAt: Date,
  ) {
    super(`generation ${generationId} is held by another run until ${leaseEndsAt.toISOString()}`);
    this.name = "LeaseHeldError";
  }
}

/** Storage kept failing for one image after every retry of this attempt. */
class StorageFailedError extends Error {
  constructor(cause: unknown) {
    super("the image could not be saved", { cause });
    this.name = "StorageFailedError";
  }
}

type Claimed = {
  id: string;
  userId: string;
  model: string;
  source: "DEMO" | "API";
  prompt: string;
  sizePreset: string | null;
  width: number;
  height: number;
  numImages: number;
  seedRequested: number | null;
  enableSafetyChecker: boolean;
  syncMode: boolean;
  upscaleScale: number | null;
  referenceIds: string[];
  attempts: number;
  deadlineAt: Date;
  providerAnswer: unknown;
};

export async function runGeneration(database: Db, generationId: string, options: RunOptions): Promise<RunResult> {
  const claimed = await claim(database, generationId, options.attemptSeconds);
  if (!claimed) {
    const row = await database.generation.findUnique({
      where: { id: generationId },
      select: { status: true, deadlineAt: true, startedAt: true },
    });
    if (!row || row.status === "COMPLETED" || row.status === "FAILED") return { kind: "already_settled" };
    if (row.deadlineAt.getTime() <= Date.now()) return settleOrAlready(database, generationId, null, deadlineOutcome());
    const leaseEnd = (row.startedAt?.getTime() ?? Date.now()) + options.attemptSeconds * 1000;
    throw new LeaseHeldError(generationId, new Date(Math.min(leaseEnd, row.deadlineAt.getTime()) + 1000));
  }

  const attempt = claimed.attempts;
  const startedAt = Date.now();
  log.info("generation: run started", { generationId: claimed.id, userId: claimed.userId, attempt });
  // The upstream call must end inside both the deadline and this run's lease, leaving time to
  // download, ingest, store and settle before the lease runs out.
  const leaseEnd = startedAt + options.attemptSeconds * 1000;
  const keepBudgetMs = Math.min(60_000, (options.attemptSeconds * 1000) / 4);
  const callEnd = Math.min(claimed.deadlineAt.getTime(), leaseEnd - keepBudgetMs);
  const callTimeout = AbortSignal.timeout(Math.max(1, callEnd - startedAt));
  const callSignal = options.shutdown ? AbortSignal.any([callTimeout, options.shutdown]) : callTimeout;
  const keepSignal = AbortSignal.timeout(Math.max(1, Math.min(claimed.deadlineAt.getTime(), leaseEnd) - startedAt));
  const store = options.store ?? objectStore();
  const retry = options.retry ?? STORAGE_RETRY;

  const written: string[] = [];
  // Files the saved answer points at: a later attempt resumes from them, so only settling removes them.
  const answerKeys: string[] = [];
  try {
    const settings = settingsFromRow(claimed);
    const calls = callCount(settings);
    const answer = parseSavedAnswer(claimed.providerAnswer, calls) ?? {
      calls: Array.from({ length: calls }, () => null),
    };
    const missing = answer.calls.flatMap((call, index) => (call === null ? [index] : []));
    const resumed = missing.length < calls;
    const inMemory = new Map<number, Buffer>();
    let upstreamMs: number | null = null;
    let madeCalls = 0;
    // A call that could not be made at all (its references are gone): refunded like a failed call.
    const unmade: Failure[] = [];
    if (missing.length > 0) {
      const made = await makeCalls(database, claimed, settings, missing, {
        source: options.source ?? imageSourceFor(claimed.source),
        resolveReferences: options.resolveReferences ?? storedReferences(database, store),
        store,
        signal: callSignal,
        ...(options.shutdown ? { shutdown: options.shutdown } : {}),
        save: (task) => withRetries(task, retry, keepSignal),
      });
      if (made.kind === "superseded") return { kind: "superseded" };
      if (made.kind === "unmade") unmade.push(made.failure);
      else {
        for (const [index, recorded] of made.recorded) {
          answer.calls[index] = recorded.call;
          answerKeys.push(...recorded.written);
          for (const [i, bytes] of recorded.inMemory) inMemory.set(i, bytes);
        }
        if (made.saved === false) return { kind: "superseded" };
        if (options.shutdown?.aborted && made.interrupted) return handBack(database, claimed);
        if (made.unexpected !== undefined) throw made.unexpected;
        upstreamMs = made.upstreamMs;
        madeCalls = missing.length;
      }
    }

    const perCall = calls === 1 ? claimed.numImages : 1;
    const callFailures: Failure[] = [...unmade];
    const toKeep: { index: number; saved: SavedImage }[] = [];
    for (const [c, call] of answer.calls.entries()) {
      if (call === null) continue;
      if ("failed" in call) callFailures.push(call.failed);
      else
        for (const [i, saved] of call.images.slice(0, perCall).entries())
          toKeep.push({ index: c * perCall + i, saved });
    }
    const kept = await keepImages(claimed, toKeep, inMemory, store, keepSignal, retry, written);
    const firstFailure = callFailures[0] ?? kept.failures[0];
    const outcome: Outcome =
      kept.images.length > 0
        ? {
            kind: "images",
            images: kept.images,
            providerError: firstFailure?.providerError ?? null,
            shortfall:
              kept.images.length < claimed.numImages
                ? {
                    code: firstFailure?.code ?? "fewer_images",
                    message: GENERATION_MESSAGES.fewerImages(kept.images.length, claimed.numImages),
                  }
                : null,
          }
        : {
            kind: "failed",
            providerError: firstFailure?.providerError ?? null,
            code: firstFailure?.code ?? "no_images",
            message: firstFailure?.message ?? upstreamError("no_images").userMessage,
          };
    const enqueue = kept.images.length > 0 ? (options.enqueueDerivatives ?? (await derivativesEnqueuer())) : undefined;
    const settled = await settleOrSuperseded(database, claimed, outcome, [...answerKeys, ...written], store, enqueue);
    log.info("generation: run finished", {
      generationId: claimed.id,
      userId: claimed.userId,
      model: claimed.model,
      result: settled.kind === "settled" ? settled.settle.status : settled.kind,
      attempt,
      resumed,
      images: kept.images.length,
      asked: claimed.numImages,
      calls,
      made: madeCalls,
      upstreamMs,
      totalMs: Date.now() - startedAt,
    });
    return settled;
  } catch (error) {
    // Unexpected (database, a bug). This run's own files go, but not those the saved answer
    // points at: the retry resumes from them. The lease is released so the retry need not wait
    // it out; on the last attempt the user is refunded now.
    await removeUnreferenced(database, claimed.id, written, store);
    if (options.lastAttempt) {
      log.error("generation: failed on its last attempt", { generationId: claimed.id, err: error });
      return settleOrSuperseded(
        database,
        claimed,
        { kind: "failed", code: "internal", message: GENERATION_MESSAGES.internal },
        answerKeys,
        store,
      );
    }
    await database.$executeRaw`
      UPDATE "Generation" SET "status" = 'QUEUED'
      WHERE "id" = ${claimed.id} AND "status" = 'RUNNING' AND "attempts" = ${attempt}`;
    throw error;
  }
}

type CallContext = {
  source: ImageSource;
  resolveReferences: ResolveReferences;
  store: ObjectStore;
  signal: AbortSignal;
  shutdown?: AbortSignal;
  save: (task: () => Promise<number>) => Promise<number>;
};

type Made =
  | { kind: "superseded" }
  | { kind: "unmade"; failure: Failure }
  | {
      kind: "made";
      recorded: Map<number, RecordedCall>;
      /** False when a save found another run holding the generation. */
      saved: boolean;
      /** A shutdown stopped at least one call before it answered (that slot stays empty). */
      interrupted: boolean;
      /** The first error that is not the source's (a bug, the database), after every call ended. */
      unexpected?: unknown;
      upstreamMs: number;
    };

class Interrupted extends Error {}

/**
 * Makes the calls in `missing` (slots without an answer) concurrently, each saved into its slot
 * as soon as it ends, answered or failed. They are counted (Generation.providerCalls) before
 * they are made, so a crash during the calls still counts them.
 */
async function makeCalls(
  database: Db,
  g: Claimed,
  settings: GenerationSettings,
  missing: number[],
  ctx: CallContext,
): Promise<Made> {
  const model = modelOf(settings);
  const calls = callCount(settings);
  const perCall = calls === 1 ? settings.numImages : 1;
  let references: string[] = [];
  if (settings.referenceIds.length > 0 && model.references) {
    try {
      references = await ctx.resolveReferences({
        userId: g.userId,
        referenceIds: settings.referenceIds,
        limits: model.references,
        signal: ctx.signal,
      });
    } catch (error) {
      if (!(error instanceof ReferenceUnavailableError)) throw error;
      log.warn("generation: reference unavailable", { generationId: g.id, userId: g.userId, err: error });
      return {
        kind: "unmade",
        failure: { code: "reference_unavailable", message: GENERATION_MESSAGES.referenceUnavailable },
      };
    }
  }
  const counted = await ctx.save(
    () => database.$executeRaw`
      UPDATE "Generation" SET "providerCalls" = "providerCalls" + ${missing.length}::int
      WHERE "id" = ${g.id} AND "status" = 'RUNNING' AND "attempts" = ${g.attempts}`,
  );
  if (counted !== 1) return { kind: "superseded" };

  const started = performance.now();
  const fallbackSeed = generationSeed(g.id);
  const results = await Promise.allSettled(
    missing.map(async (index) => {
      const request = requestFromSettings(settings, references, { index, fallbackSeed });
      const sent = typeof request.seed === "number" ? request.seed : null;
      const callStarted = performance.now();
      let outcome: CallOutcome;
      try {
        const result = await ctx.source.generate(model.id, request, { signal: ctx.signal });
        // A model called once per image was sent seed + index: the generation's seed is the first.
        const seedUsed = model.images.via === "calls" && sent !== null ? sent - index : (result.seed ?? sent);
        outcome = { kind: "answer", result: { ...result, images: result.images.slice(0, perCall) }, seedUsed };
      } catch (error) {
        if (ctx.shutdown?.aborted) throw new Interrupted();
        const failure = asUpstreamError(error, ctx.signal);
        if (!failure) throw error;
        logFailure(g, failure);
        outcome = {
          kind: "failed",
          code: failure.code,
          message: failure.userMessage,
          providerError: providerErrorText(failure),
          requestId: failure.details.requestId ?? null,
          upstreamMs: performance.now() - callStarted,
        };
      }
      const slot = { index, of: calls, firstImage: index * perCall };
      return [index, await recordCall(database, g, slot, outcome, ctx.store, ctx.save)] as const;
    }),
  );
  const made: Extract<Made, { kind: "made" }> = {
    kind: "made",
    recorded: new Map(),
    saved: true,
    interrupted: false,
    upstreamMs: Math.round(performance.now() - started),
  };
  for (const r of results) {
    if (r.status === "fulfilled") {
      made.recorded.set(r.value[0], r.value[1]);
      if (!r.value[1].saved) made.saved = false;
    } else if (r.reason instanceof Interrupted) made.interrupted = true;
    else made.unexpected ??= r.reason;
  }
  return made;
}

/**
 * The studio's seed for a generation that asked for none but is made in several calls: stable for
 * the generation (a resumed attempt sends the same), so the seed recorded makes every image again.
 */
function generationSeed(generationId: string): number {
  return (createHash("sha256").update(generationId).digest().readUInt32BE(0) % (SEED_MAX - 16)) + 1;
}

/** Releases this run's lease (QUEUED again) so that the job sent by the caller can claim it at once. */
async function handBack(database: Db, g: Claimed): Promise<RunResult> {
  await database.$executeRaw`
    UPDATE "Generation" SET "status" = 'QUEUED'
    WHERE "id" = ${g.id} AND "status" = 'RUNNING' AND "attempts" = ${g.attempts}`;
  log.info("generation: handed back to the queue (shutdown)", { generationId: g.id, attempt: g.attempts });
  return { kind: "handed_back" };
}

/** Takes the generation for this run: QUEUED, or RUNNING under a lease that has run out. */
async function claim(database: Db, generationId: string, attemptSeconds: number): Promise<Claimed | null> {
  // One statement, so the NOTIFY goes out as it commits: pages showing it as queued now show it running.
  const rows = await database.$queryRaw<Claimed[]>`
    WITH claimed AS (
      UPDATE "Generation" SET "status" = 'RUNNING', "attempts" = "attempts" + 1, "startedAt" = now()
      WHERE "id" = ${generationId}
        AND "deadlineAt" > now()
        AND ("status" = 'QUEUED'
          OR ("status" = 'RUNNING' AND "startedAt" < now() - make_interval(secs => ${attemptSeconds}::int)))
      RETURNING "id", "userId", "model", "source"::text AS "source", "prompt", "sizePreset", "width", "height",
        "numImages", "seedRequested", "enableSafetyChecker", "syncMode", "upscaleScale", "referenceIds", "attempts",
        "deadlineAt", "providerAnswer"
    )
    SELECT "claimed".*, ${notifyGenerationChangedSql("claimed")} FROM "claimed"`;
  return rows[0] ?? null;
}

/** Upstream failures and our own time limit become an UpstreamError; anything else is unexpected (null). */
function asUpstreamError(error: unknown, signal: AbortSignal): UpstreamError | null {
  if (error instanceof UpstreamError) return error;
  if (signal.aborted) return upstreamError("provider_timeout", { cause: error });
  return null;
}

type Failure = { code: string; message: string; providerError?: string | null | undefined };
type Kept = { images: StoredImage[]; failures: Failure[] };

/**
 * Brings each image of the answer into storage under its derived key: bytes in memory or in the
 * row, a saved link downloaded now, or a file the answer already wrote. Only the download, the
 * header and the hash stand between the answer and the finished card; thumbnails come later.
 * Storage operations are retried within the attempt; an image whose storage keeps failing is
 * not delivered (and not charged). Every key written is pushed to `written` as it is written.
 */
async function keepImages(
  g: Claimed,
  toKeep: { index: number; saved: SavedImage }[],
  inMemory: Map<number, Buffer>,
  store: ObjectStore,
  signal: AbortSignal,
  retry: RetryPolicy,
  written: string[],
): Promise<Kept> {
  const stored = <T>(operation: () => Promise<T>) =>
    withRetries(operation, retry, signal).catch((error: unknown) => {
      throw new StorageFailedError(error);
    });
  const results = await Promise.allSettled(
    toKeep.map(async ({ index, saved }): Promise<StoredImage> => {
      const bytes =
        inMemory.get(index) ??
        (saved.kind === "url"
          ? await fetchImage(saved.url, { signal })
          : saved.kind === "inline"
            ? Buffer.from(saved.base64, "base64")
            : await stored(() => store.get(saved.key)));
      if (!bytes) throw new StorageFailedError(new Error(`saved image ${index} is missing from storage`));
      const image = inspectImage(bytes);
      const storageKey = imageKey(g.userId, g.id, index, image.ext);
      if (!(saved.kind === "stored" && saved.key === storageKey)) {
        written.push(storageKey);
        await stored(() => store.put(storageKey, image.bytes, image.contentType));
      }
      return {
        index,
        storageKey,
        contentType: image.contentType,
        width: image.width,
        height: image.height,
        bytes: image.bytes.length,
        sha256: image.sha256,
      };
    }),
  );
  const kept: Kept = { images: [], failures: [] };
  for (const r of results) {
    if (r.status === "fulfilled") kept.images.push(r.value);
    else if (r.reason instanceof StorageFailedError) {
      log.warn("generation: storage failed", { generationId: g.id, attempt: g.attempts, err: r.reason.cause });
      kept.failures.push({ code: "storage_failed", message: GENERATION_MESSAGES.storageFailed });
    } else if (r.reason instanceof UpstreamError) {
      logFailure(g, r.reason);
      kept.failures.push({
        code: r.reason.code,
        message: r.reason.userMessage,
        providerError: providerErrorText(r.reason),
      });
    } else if (signal.aborted) {
      kept.failures.push({
        code: "download_failed",
        message: upstreamError("download_failed").userMessage,
        providerError: "the image download did not finish in time",
      });
    } else throw r.reason;
  }
  return kept;
}

async function settleOrSuperseded(
  database: Db,
  g: Claimed,
  outcome: Outcome,
  written: string[] = [],
  store?: ObjectStore,
  enqueueDerivatives?: Enqueue,
): Promise<RunResult> {
  const result = await settleGeneration(database, {
    generationId: g.id,
    attempt: g.attempts,
    outcome,
    ...(enqueueDerivatives ? { afterImages: (tx: Tx) => enqueueDerivatives(tx, g.id) } : {}),
  });
  if (result.settled) {
    // Files of images that were not delivered (refused, or all of them when nothing arrived): its
    // Image rows are exactly the outcome's images, so no need to read them back.
    const delivered = new Set(outcome.kind === "images" ? outcome.images.map((image) => image.storageKey) : []);
    const orphans = written.filter((key) => !delivered.has(key));
    if (store) await removeFiles(g.id, orphans, store);
    return { kind: "settled", settle: result };
  }
  const row = await database.generation.findUnique({ where: { id: g.id }, select: { status: true } });
  if (row?.status === "COMPLETED" || row?.status === "FAILED") {
    // Settled by someone else: its Image rows are final, so anything else this run wrote is an orphan.
    if (store) await removeUnreferenced(database, g.id, written, store);
    return { kind: "already_settled" };
  }
  // A newer run holds the generation and writes the same keys: deleting now could remove its files.
  return { kind: "superseded" };
}

async function settleOrAlready(
  database: Db,
  generationId: string,
  attempt: number | null,
  outcome: Outcome,
): Promise<RunResult> {
  const result = await settleGeneration(database, { generationId, attempt, outcome });
  return result.settled ? { kind: "settled", settle: result } : { kind: "already_settled" };
}

export function deadlineOutcome(): Outcome {
  return { kind: "failed", code: "deadline_exceeded", message: GENERATION_MESSAGES.deadline };
}

/** Deletes files this run wrote unless a settled generation's rows point at them (same keys). */
async function removeUnreferenced(database: Db, generationId: string, written: string[], store: ObjectStore) {
  if (written.length === 0) return;
  const kept = await database.image.findMany({ where: { generationId }, select: { storageKey: true } });
  const referenced = new Set(kept.map((i) => i.storageKey));
  const orphans = written.filter((key) => !referenced.has(key));
  await removeFiles(generationId, orphans, store);
}

async function removeFiles(generationId: string, orphans: string[], store: ObjectStore) {
  if (orphans.length === 0) return;
  await store.delete(orphans).catch((error: unknown) => {
    log.error("generation: could not remove files", { generationId, files: orphans.length, err: error });
  });
}

function logFailure(g: Pick<Claimed, "id" | "userId" | "attempts">, error: UpstreamError) {
  const { status, requestId } = error.details;
  const cause = error.details.cause instanceof Error ? error.details.cause.message : error.details.cause;
  log.warn("generation: upstream failure", {
    generationId: g.id,
    userId: g.userId,
    attempt: g.attempts,
    code: error.code,
    status: status ?? null,
    providerRequestId: requestId ?? null,
    cause: cause === undefined ? null : String(cause),
  });
}
