import type { ReactNode } from "react";

/** A titled part of a settings page; `empty`, when given, is shown instead of its contents. */
export function SettingsSection({
  id,
  title,
  empty,
  children,
}: {
  id: string;
  title: string;
  empty: string | null;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="flex flex-col gap-2">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      {empty === null ? children : <p className="text-sm text-stone-600 dark:text-stone-400">{empty}</p>}
    </section>
  );
}
