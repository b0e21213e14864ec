import type { ReferenceLimits } from "@/lib/models";

// Where a generation's reference images come from when it runs: the user's reference ids, in
// order, as base64 data URLs that fit the model's limits (the provider cannot reach the studio's
// storage). The references module (lib/references, its own branch) implements ResolveReferences;
// runGeneration takes it through RunOptions.resolveReferences, and this default until it is wired.

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

/** No reference store in this build yet: a generation naming references is refunded, never sent without them. */
export const noReferenceStore: ResolveReferences = async ({ referenceIds }) => {
  if (referenceIds.length === 0) return [];
  throw new ReferenceUnavailableError("reference images are not available in this build");
};
