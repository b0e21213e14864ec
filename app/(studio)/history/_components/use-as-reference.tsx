"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { buttonClass } from "@/components/ui/button";
import { referenceFromImageAction } from "../actions";

/** "Use as reference": makes (or finds) the user's reference of this image and opens the studio with it. */
export function UseAsReferenceButton({
  imageId,
  detail,
  className = "",
}: {
  imageId: string;
  /** Said to screen readers after the label, to tell several such buttons apart ("image 2"). */
  detail?: string;
  className?: string;
}) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const use = async () => {
    setBusy(true);
    setError(null);
    const result = await referenceFromImageAction({ imageId }).catch(() => null);
    if (result?.ok) {
      router.push(`/studio?reference=${encodeURIComponent(result.data.referenceId)}`);
      return;
    }
    setBusy(false);
    setError(result ? result.error.message : "The studio could not be reached. Try again.");
  };

  return (
    <span className="inline-flex flex-col gap-1">
      <button
        type="button"
        onClick={use}
        disabled={busy}
        className={className || buttonClass("secondary", "px-3 py-1.5")}
      >
        {busy ? "Opening the studio…" : "Use as reference"}
        {detail ? <span className="sr-only"> ({detail})</span> : null}
      </button>
      {error ? (
        <span role="alert" className="text-xs text-red-700 dark:text-red-300">
          {error}
        </span>
      ) : null}
    </span>
  );
}
