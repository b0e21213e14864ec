import { type GenerationStatus, statusLabel } from "@/lib/generations/status";

const STYLES: Record<GenerationStatus, string> = {
  QUEUED: "bg-stone-200 text-stone-800 dark:bg-stone-700 dark:text-stone-100",
  RUNNING: "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
  COMPLETED: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
  FAILED: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
};

/** A generation's status in the studio's one vocabulary (lib/generations/status.ts), wherever it is shown. */
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
