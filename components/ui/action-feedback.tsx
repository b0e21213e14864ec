/** The outcome of the last action: a polite status line, and an alert when it failed. */
export function ActionFeedback({ message, error }: { message: string | null; error: string | null }) {
  return (
    <>
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-stone-600 dark:text-stone-400">
        {message}
      </p>
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
    </>
  );
}
