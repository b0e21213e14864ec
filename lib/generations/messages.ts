// What a person reads next to a generation that did not fully succeed. Upstream failure classes
// have their sentences in lib/upstream/errors.ts; these are the flow's own.
export const GENERATION_MESSAGES = {
  deadline: "This generation took too long and was stopped.",
  internal: "Something went wrong on our side while making these images.",
  storageFailed: "The images were made but could not be saved, so they were not charged. Please try again.",
  fewerImages: (received: number, asked: number) =>
    `${received} of ${asked} images arrived; the missing ${asked - received === 1 ? "one was" : "ones were"} not charged.`,
  /** What the card and the detail page say when some images of a generation did not come. */
  partialDelivery: (received: number, asked: number) => `${received} of ${asked} images, ${asked - received} refunded`,
  referenceUnavailable:
    "A reference image could not be read (it may have been deleted), so nothing was made or charged. Remove it and try again.",
  spendingLocked:
    "Generating is paused on your account while a card payment is disputed. It resumes once the dispute is resolved.",
  tooManyActive: (cap: number) =>
    `You already have ${cap} generations queued or running. Try again when one finishes; nothing was charged.`,
  accountFrozen:
    "Generating is paused on your account by the studio's operator. Contact the studio's support to have it resumed.",
  insufficientCredits: (balance: number, cost: number) =>
    `This needs ${cost} credits and your balance is ${balance}. Buy credits or make fewer images.`,
} as const;
