"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { ActionFeedback } from "@/components/ui/action-feedback";
import { buttonClass } from "@/components/ui/button";
import { deleteGenerationsAction, rerunAction, setFavoriteAction } from "../actions";
import { ConfirmDialog } from "./confirm-dialog";

export function DetailActions({
  id,
  prompt,
  favorite: initialFavorite,
  canRerun,
  canReuse,
  canDelete,
}: {
  id: string;
  prompt: string;
  favorite: boolean;
  canRerun: boolean;
  /** Its model is one the studio's form offers. */
  canReuse: boolean;
  canDelete: boolean;
}) {
  const router = useRouter();
  const [favorite, setFavorite] = useState(initialFavorite);
  const [message, setMessage] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState<"favorite" | "rerun" | "delete" | null>(null);
  const [confirming, setConfirming] = useState(false);
  // One key per press of "Re-run": a double click submits one generation.
  const rerunKey = useRef<string | null>(null);

  const report = (result: { ok: true } | { ok: false; error: { message: string } }, success: string) => {
    if (result.ok) {
      setError("");
      setMessage(success);
    } else {
      setMessage("");
      setError(result.error.message);
    }
  };

  const copyPrompt = async () => {
    try {
      await navigator.clipboard.writeText(prompt);
      report({ ok: true }, "Prompt copied.");
    } catch {
      report({ ok: false, error: { message: "Could not copy: select the prompt and copy it by hand." } }, "");
    }
  };

  const toggleFavorite = async () => {
    setBusy("favorite");
    const next = !favorite;
    const result = await setFavoriteAction({ ids: [id], favorite: next });
    setBusy(null);
    if (result.ok) setFavorite(next);
    report(result, next ? "Added to favourites." : "Removed from favourites.");
  };

  const rerun = async () => {
    rerunKey.current ??= crypto.randomUUID();
    setBusy("rerun");
    const result = await rerunAction({ generationId: id, idempotencyKey: rerunKey.current });
    setBusy(null);
    if (result.ok) {
      rerunKey.current = null;
      router.push(`/history/${result.data.generationId}`);
    } else {
      report(result, "");
    }
  };

  const remove = async () => {
    setBusy("delete");
    const result = await deleteGenerationsAction({ ids: [id] });
    setBusy(null);
    setConfirming(false);
    if (result.ok) router.push("/history");
    else report(result, "");
  };

  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap gap-2">
        {canReuse && (
          <Link href={`/studio?reuse=${encodeURIComponent(id)}`} className={buttonClass("primary")}>
            Reuse settings
          </Link>
        )}
        {canRerun && (
          <button type="button" className={buttonClass("secondary")} onClick={rerun} disabled={busy !== null}>
            {busy === "rerun" ? "Submitting…" : "Re-run with the same seed"}
          </button>
        )}
        <button type="button" className={buttonClass("secondary")} onClick={copyPrompt}>
          Copy prompt
        </button>
        <button
          type="button"
          className={buttonClass("secondary")}
          aria-pressed={favorite}
          onClick={toggleFavorite}
          disabled={busy !== null}
        >
          <span aria-hidden className={favorite ? "text-amber-500" : ""}>
            {favorite ? "★" : "☆"}
          </span>
          Favourite
        </button>
        {canDelete && (
          <button
            type="button"
            className={buttonClass("danger")}
            onClick={() => setConfirming(true)}
            disabled={busy !== null}
          >
            Delete
          </button>
        )}
      </div>
      <ActionFeedback message={message} error={error} />
      <ConfirmDialog
        open={confirming}
        title="Delete this generation?"
        body="Its images are removed for good and its share links stop working. Credits already spent are not returned."
        confirmLabel="Delete"
        busy={busy === "delete"}
        onConfirm={remove}
        onCancel={() => setConfirming(false)}
      />
    </div>
  );
}
