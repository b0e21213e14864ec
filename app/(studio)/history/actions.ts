"use server";

import { fail, ok, userAction } from "@/lib/action";
import { db } from "@/lib/db";
import { deleteGenerations, setFavorite } from "@/lib/history/commands";
import { decodeCursor } from "@/lib/history/cursor";
import { getHistoryItems, listGenerations } from "@/lib/history/queries";
import { type RerunResult, rerunGeneration } from "@/lib/history/rerun";
import {
  createShareInput,
  deleteInput,
  favoriteInput,
  loadPageInput,
  referenceFromImageInput,
  refreshInput,
  rerunInput,
  revokeShareInput,
  upscaleInput,
} from "@/lib/history/schemas";
import { createShareLink, revokeShareLink } from "@/lib/history/share";
import { type UpscaleResult, upscaleImage } from "@/lib/history/upscale";
import { referenceFromImage } from "@/lib/references/store";
import { objectStore } from "@/lib/storage";

// The history's server actions. Each body passes the signed-in user's id into a lib/history
// function whose queries are scoped by it: no action reads or changes a row it does not own.

export const loadHistoryPage = userAction(loadPageInput, async ({ filters, cursor }, user) => {
  const position = decodeCursor(cursor);
  if (!position) return fail("invalid_cursor", "That page link is no longer valid. Reload the history.");
  return ok(await listGenerations({ userId: user.id, filters, cursor: position }));
});

export const refreshHistoryItems = userAction(refreshInput, async ({ ids }, user) =>
  ok(await getHistoryItems({ userId: user.id, ids })),
);

export const setFavoriteAction = userAction(favoriteInput, async ({ ids, favorite }, user) => {
  const { updated } = await setFavorite({ userId: user.id, ids, favorite });
  if (updated === 0) return fail("not_found", "Those generations are not in your history.");
  return ok({ updated });
});

export const deleteGenerationsAction = userAction(deleteInput, async ({ ids }, user) => {
  const outcome = await deleteGenerations({ userId: user.id, ids });
  if (outcome.deleted.length === 0) {
    return outcome.inProgress.length > 0
      ? fail("in_progress", "A generation still in progress cannot be deleted; try again when it has finished.")
      : fail("not_found", "Those generations are not in your history.");
  }
  return ok(outcome);
});

export const createShareLinkAction = userAction(createShareInput, async ({ generationId, expiresIn }, user) => {
  const result = await createShareLink({ userId: user.id, generationId, expiresIn });
  if (result.ok) return ok({ token: result.token, link: result.link });
  switch (result.code) {
    case "not_found":
      return fail("not_found", "That generation is not in your history.");
    case "not_shareable":
      return fail("not_shareable", "Only a completed generation with images can be shared.");
    case "too_many_links":
      return fail("too_many_links", "This generation has too many live links. Revoke one first.");
  }
});

export const revokeShareLinkAction = userAction(revokeShareInput, async ({ id }, user) => {
  const revoked = await revokeShareLink({ userId: user.id, id });
  return revoked ? ok({ id }) : fail("not_found", "That link is not yours or is already revoked.");
});

/** A submit's answer as an action's: the new generation's id, or the refusal's own message. */
function submitted(result: RerunResult | UpscaleResult) {
  if (result.ok) return ok({ generationId: result.generation.id });
  return fail(result.code, result.message, "fields" in result ? result.fields : undefined);
}

export const rerunAction = userAction(rerunInput, async ({ generationId, idempotencyKey }, user) =>
  submitted(await rerunGeneration({ userId: user.id, generationId, idempotencyKey })),
);

/** "Upscale" on an image of the detail page; the page then opens the new generation. */
export const upscaleImageAction = userAction(upscaleInput, async (input, user) =>
  submitted(await upscaleImage({ userId: user.id, ...input })),
);

/** "Use as reference": the reference made from (a copy of) one of the user's images; the page then opens the studio with it. */
export const referenceFromImageAction = userAction(referenceFromImageInput, async ({ imageId }, user) => {
  const outcome = await referenceFromImage(db(), objectStore(), { userId: user.id, imageId });
  if (!outcome) return fail("not_found", "That image is not in your history.");
  if (!outcome.ok) return fail(outcome.code, outcome.message);
  return ok({ referenceId: outcome.reference.id });
});
