// One vocabulary for a generation's state, in the studio's cards, the history and the detail page.
// Safe to import from client components.

export const GENERATION_STATUSES = ["QUEUED", "RUNNING", "COMPLETED", "FAILED"] as const;
export type GenerationStatus = (typeof GENERATION_STATUSES)[number];

export const STATUS_WORDS: Readonly<Record<GenerationStatus, string>> = {
  QUEUED: "Queued",
  RUNNING: "Generating",
  COMPLETED: "Completed",
  FAILED: "Failed",
};

/** The status as a person reads it, saying when credits came back. */
export function statusLabel(status: GenerationStatus, refundedCredits: number): string {
  if (status === "COMPLETED" && refundedCredits > 0) return `${STATUS_WORDS.COMPLETED}, part refunded`;
  if (status === "FAILED" && refundedCredits > 0) return `${STATUS_WORDS.FAILED}, refunded`;
  return STATUS_WORDS[status];
}

/** Queued or generating: still holding its reserved credits, images still to come. */
export function isPending(status: GenerationStatus): boolean {
  return status === "QUEUED" || status === "RUNNING";
}
