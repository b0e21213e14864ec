"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

/** Re-renders the page every few seconds until the webhook has credited the purchase. */
export function RefreshUntilCredited({ intervalMs = 2000, maxTries = 60 }: { intervalMs?: number; maxTries?: number }) {
  const router = useRouter();
  const [tries, setTries] = useState(0);
  useEffect(() => {
    if (tries >= maxTries) return;
    const timer = setTimeout(() => {
      router.refresh();
      setTries((t) => t + 1);
    }, intervalMs);
    return () => clearTimeout(timer);
  }, [router, tries, intervalMs, maxTries]);
  if (tries < maxTries) return null;
  return (
    <p className="text-sm text-stone-600 dark:text-stone-400">
      This is taking longer than usual. Your payment is safe; reload this page in a little while.
    </p>
  );
}
