import type { Db } from "@/lib/db";
import type { ReferenceLimits } from "@/lib/models";
import { ReferenceTooLargeError, referenceDataUrls } from "@/lib/references/data-urls";
import { ReferenceNotFoundError } from "@/lib/references/lineage";
import type { ObjectStore } from "@/lib/storage/types";

// Where a generation's reference images come from when it runs: the user's reference ids, in
// order, as base64 data URLs that fit the model's limits (the provider cannot reach the studio's
// storage). runGeneration takes a ResolveReferences through RunOptions.resolveReferences (tests pass
// their own), by default storedReferences.

export type ReferenceRequest = {
  userId: string;
  referenceIds: readonly string[];
  limits: ReferenceLimits;
  signal?: AbortSignal;
};

/** Data URLs for `referenceIds`, same order, each within `limits` (downscaled or re-encoded as needed). */
export type ResolveReferences = (request: ReferenceRequest) => Promise<string[]>;

/**
 * A reference the user named cannot be used (deleted, not theirs, unreadable): the generation is
 * refunded with this message rather than retried.
 */
export class ReferenceUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ReferenceUnavailableError";
  }
}

/**
 * The user's stored references (lib/references) as data URLs fitted to the model's limits. A
 * reference that is not theirs, gone, or that cannot be made to fit is unavailable: refunded.
 */
export function storedReferences(database: Db, store: ObjectStore): ResolveReferences {
  return async ({ userId, referenceIds, limits }) => {
    try {
      return await referenceDataUrls(database, store, { userId, referenceIds, limits });
    } catch (error) {
      if (error instanceof ReferenceNotFoundError || error instanceof ReferenceTooLargeError) {
        throw new ReferenceUnavailableError(error.message, { cause: error });
      }
      throw error;
    }
  };
}
