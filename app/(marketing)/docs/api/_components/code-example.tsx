"use client";

import { useState } from "react";
import { buttonClass } from "@/components/ui/button";

/** A code block with a copy button. */
export function CodeExample({ title, code }: { title: string; code: string }) {
  const [copied, setCopied] = useState("");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      setCopied("Copied.");
    } catch {
      setCopied("Select the code and copy it by hand.");
    }
  };
  return (
    <figure className="flex flex-col gap-2">
      <div className="flex items-center justify-between">
        <figcaption className="text-sm font-medium">{title}</figcaption>
        <div className="flex items-center gap-2">
          <span role="status" className="text-xs text-stone-600 dark:text-stone-400">
            {copied}
          </span>
          <button
            type="button"
            className={buttonClass("ghost", "px-3 py-1")}
            onClick={copy}
            aria-label={`Copy the ${title} example`}
          >
            Copy
          </button>
        </div>
      </div>
      <pre className="overflow-x-auto rounded-lg bg-stone-900 p-4 text-xs text-stone-100">
        <code>{code}</code>
      </pre>
    </figure>
  );
}
