import { type InputHTMLAttributes, type ReactNode, useId } from "react";

/** A settings page's form on its card. */
export function SettingsForm({
  action,
  className = "flex-col",
  children,
}: {
  action: (formData: FormData) => void | Promise<void>;
  /** The layout of the fields (a column by default). */
  className?: string;
  children: ReactNode;
}) {
  return (
    <form
      action={action}
      className={`flex gap-3 rounded-xl border border-stone-200 bg-white p-4 dark:border-stone-800 dark:bg-stone-900 ${className}`}
    >
      {children}
    </form>
  );
}

/** A labelled text input. */
export function TextField({
  label,
  className = "",
  ...input
}: { label: string; className?: string } & Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "className">) {
  const id = useId();
  return (
    <div className={`flex flex-col gap-1 ${className}`}>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        {...input}
        className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-sm dark:border-stone-700 dark:bg-stone-950"
      />
    </div>
  );
}
