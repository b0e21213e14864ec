"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { ActionFeedback } from "@/components/ui/action-feedback";
import { buttonClass } from "@/components/ui/button";
import { SHARE_EXPIRY_LABELS, SHARE_EXPIRY_OPTIONS, type ShareExpiry } from "@/lib/history/schemas";
import { createShareLinkAction, revokeShareLinkAction } from "../actions";
import { formatDateTime } from "./format";

type ShareLinkRow = { id: string; createdAt: Date; expiresAt: Date | null; revokedAt: Date | null };

function linkState(link: ShareLinkRow, now: number): string {
  if (link.revokedAt) return `Revoked ${formatDateTime(link.revokedAt)}`;
  if (link.expiresAt && link.expiresAt.getTime() <= now) return `Expired ${formatDateTime(link.expiresAt)}`;
  return link.expiresAt ? `Active, expires ${formatDateTime(link.expiresAt)}` : "Active, never expires";
}

/**
 * Share links for one generation. A new link's address is shown once, right after it is made:
 * only a hash of its token is stored, so it cannot be shown again (make a new one instead).
 */
export function SharePanel({ generationId, links, now }: { generationId: string; links: ShareLinkRow[]; now: number }) {
  const router = useRouter();
  const expiryId = useId();
  const urlId = useId();
  const [expiresIn, setExpiresIn] = useState<ShareExpiry>("never");
  const [created, setCreated] = useState<string | null>(null);
  const [message, setMessage] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const create = async () => {
    setBusy(true);
    const result = await createShareLinkAction({ generationId, expiresIn });
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    setError("");
    setCreated(`${window.location.origin}/s/${result.data.token}`);
    setMessage("Link created. Copy it now: it is shown only once.");
    router.refresh();
  };

  const revoke = async (id: string) => {
    setBusy(true);
    const result = await revokeShareLinkAction({ id });
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    setError("");
    setMessage("Link revoked. It no longer opens.");
    router.refresh();
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created);
      setMessage("Link copied.");
    } catch {
      setMessage("Select the link and copy it by hand.");
    }
  };

  return (
    <section
      aria-labelledby="share-title"
      className="flex flex-col gap-3 rounded-xl border border-stone-200 bg-white p-4 dark:border-stone-800 dark:bg-stone-900"
    >
      <h2 id="share-title" className="text-lg font-semibold">
        Share
      </h2>
      <p className="text-sm text-stone-600 dark:text-stone-400">
        Private until you share it. Anyone with a link sees the images and the prompt, nothing else.
      </p>
      <div className="flex flex-wrap items-end gap-2">
        <div className="flex flex-col gap-1">
          <label htmlFor={expiryId} className="text-xs font-medium text-stone-600 dark:text-stone-400">
            Link expires
          </label>
          <select
            id={expiryId}
            value={expiresIn}
            onChange={(event) => setExpiresIn(SHARE_EXPIRY_OPTIONS.find((o) => o === event.target.value) ?? "never")}
            className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-sm dark:border-stone-700 dark:bg-stone-900"
          >
            {SHARE_EXPIRY_OPTIONS.map((option) => (
              <option key={option} value={option}>
                {SHARE_EXPIRY_LABELS[option]}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className={buttonClass("secondary")} onClick={create} disabled={busy}>
          Create share link
        </button>
      </div>
      {created && (
        <div className="flex flex-wrap items-end gap-2">
          <div className="flex min-w-0 flex-1 flex-col gap-1">
            <label htmlFor={urlId} className="text-xs font-medium text-stone-600 dark:text-stone-400">
              Share link
            </label>
            <input
              id={urlId}
              readOnly
              value={created}
              onFocus={(event) => event.target.select()}
              className="w-full rounded-lg border border-stone-300 bg-stone-50 px-3 py-2 font-mono text-xs dark:border-stone-700 dark:bg-stone-950"
            />
          </div>
          <button type="button" className={buttonClass("secondary")} onClick={copy}>
            Copy link
          </button>
        </div>
      )}
      <ActionFeedback message={message} error={error} />
      {links.length > 0 && (
        <ul aria-label="Links made so far" className="flex flex-col divide-y divide-stone-200 dark:divide-stone-800">
          {links.map((link) => {
            const live = !link.revokedAt && !(link.expiresAt && link.expiresAt.getTime() <= now);
            return (
              <li key={link.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                <span>
                  Link made {formatDateTime(link.createdAt)} · {linkState(link, now)}
                </span>
                {live && (
                  <button
                    type="button"
                    className={buttonClass("ghost", "px-3 py-1")}
                    onClick={() => revoke(link.id)}
                    disabled={busy}
                    aria-label={`Revoke the link made ${formatDateTime(link.createdAt)}`}
                  >
                    Revoke
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
