"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** While a generation is queued or running, re-render its page every two seconds. */
export function LiveRefresh({ active }: { active: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => router.refresh(), 2000);
    return () => window.clearInterval(timer);
  }, [active, router]);
  return null;
}
