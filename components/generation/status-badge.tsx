import type { GenerationStatus } from "@/lib/generated/prisma/enums";

const STYLES: Record<GenerationStatus, string> = {
  QUEUED: "bg-stone-200 text-stone-800 dark:bg-stone-700 dark:text-stone-100",
  RUNNING: "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
  COMPLETED: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
  FAILED: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
};

export function statusLabel(status: GenerationStatus, refundedCredits: number): string {
  switch (status) {
    case "QUEUED":
      return "Queued";
    case "RUNNING":
      return "Running";
    case "COMPLETED":
      return refundedCredits > 0 ? "Completed, part refunded" : "Completed";
    case "FAILED":
      return refundedCredits > 0 ? "Failed, refunded" : "Failed";
  }
}

export function StatusBadge({ status, refundedCredits }: { status: GenerationStatus; refundedCredits: number }) {
  return (
    <span
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${STYLES[status]}`}
      data-status={status.toLowerCase()}
    >
      {status === "RUNNING" && <span aria-hidden className="size-1.5 animate-pulse rounded-full bg-current" />}
      {statusLabel(status, refundedCredits)}
    </span>
  );
}
