"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { buttonClass } from "@/components/ui/button";
import {
  ASPECT_FILTERS,
  type HistoryFilters,
  hasFilters,
  historySearch,
  parseHistoryParams,
  STATUS_FILTERS,
  STATUS_LABELS,
} from "@/lib/history/filters";

const field =
  "rounded-lg border border-stone-300 bg-white px-3 py-2 text-sm text-stone-900 dark:border-stone-700 dark:bg-stone-900 dark:text-stone-100";
const label = "text-xs font-medium text-stone-600 dark:text-stone-400";

/** A yes/no filter: sent as `name=1` when checked (parseHistoryParams reads it). */
function Toggle({ name, checked, label }: { name: string; checked: boolean | undefined; label: string }) {
  return (
    <label className="flex items-center gap-2 py-2 text-sm">
      <input
        type="checkbox"
        name={name}
        value="1"
        defaultChecked={checked ?? false}
        className="size-4 accent-violet-600"
      />
      {label}
    </label>
  );
}

/**
 * Search and filters as an ordinary GET form (works without JavaScript); with it, every change
 * updates the URL at once, and typing in the search box does so after a short pause.
 */
export function FilterBar({ filters, models }: { filters: HistoryFilters; models: { id: string; label: string }[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const formRef = useRef<HTMLFormElement>(null);
  const typing = useRef<number | undefined>(undefined);

  useEffect(() => () => window.clearTimeout(typing.current), []);

  const apply = (mode: "push" | "replace") => {
    const form = formRef.current;
    if (!form) return;
    const params: Record<string, string> = {};
    for (const [key, value] of new FormData(form)) if (typeof value === "string") params[key] = value;
    const url = `${pathname}${historySearch(parseHistoryParams(params).filters)}`;
    if (mode === "push") router.push(url, { scroll: false });
    else router.replace(url, { scroll: false });
  };

  const clear = () => {
    const form = formRef.current;
    if (!form) return;
    for (const element of Array.from(form.elements)) {
      if (element instanceof HTMLInputElement && element.type === "checkbox") element.checked = false;
      else if (element instanceof HTMLInputElement || element instanceof HTMLSelectElement) element.value = "";
    }
  };

  const modelChoices =
    filters.model && !models.some((m) => m.id === filters.model)
      ? [...models, { id: filters.model, label: filters.model }]
      : models;

  return (
    <search aria-label="Search and filter your history">
      <form
        ref={formRef}
        action={pathname}
        method="get"
        onSubmit={(event) => {
          event.preventDefault();
          window.clearTimeout(typing.current);
          apply("push");
        }}
        onChange={(event) => {
          const target = event.target;
          if (target instanceof HTMLInputElement && target.type === "search") {
            window.clearTimeout(typing.current);
            typing.current = window.setTimeout(() => apply("replace"), 350);
          } else {
            apply("push");
          }
        }}
        className="grid grid-cols-2 gap-3 rounded-xl border border-stone-200 bg-white p-3 sm:grid-cols-3 lg:grid-cols-[2fr_repeat(5,minmax(0,1fr))_auto] dark:border-stone-800 dark:bg-stone-900"
      >
        <div className="col-span-2 flex flex-col gap-1 sm:col-span-3 lg:col-span-1">
          <label htmlFor="history-q" className={label}>
            Search prompts
          </label>
          <input
            id="history-q"
            name="q"
            type="search"
            defaultValue={filters.q ?? ""}
            maxLength={200}
            placeholder="e.g. lighthouse fog"
            autoComplete="off"
            className={field}
          />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="history-status" className={label}>
            Status
          </label>
          <select id="history-status" name="status" defaultValue={filters.status ?? ""} className={field}>
            <option value="">Any status</option>
            {STATUS_FILTERS.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="history-aspect" className={label}>
            Aspect
          </label>
          <select id="history-aspect" name="aspect" defaultValue={filters.aspect ?? ""} className={field}>
            <option value="">Any aspect</option>
            {[...new Set([...ASPECT_FILTERS, ...(filters.aspect ? [filters.aspect] : [])])].map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="history-model" className={label}>
            Model
          </label>
          <select id="history-model" name="model" defaultValue={filters.model ?? ""} className={field}>
            <option value="">Any model</option>
            {modelChoices.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="history-from" className={label}>
            From (UTC)
          </label>
          <input id="history-from" name="from" type="date" defaultValue={filters.from ?? ""} className={field} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="history-to" className={label}>
            To (UTC)
          </label>
          <input id="history-to" name="to" type="date" defaultValue={filters.to ?? ""} className={field} />
        </div>
        <div className="col-span-2 flex flex-wrap items-end gap-3 sm:col-span-3 lg:col-span-1">
          <Toggle name="fav" checked={filters.favorites} label="Favourites only" />
          <Toggle name="edits" checked={filters.edits} label="Edits only" />
          <button type="submit" className={buttonClass("secondary", "px-3")}>
            Apply
          </button>
          {hasFilters(filters) && (
            <Link href={pathname} onClick={clear} className={buttonClass("ghost", "px-3")}>
              Clear
            </Link>
          )}
        </div>
      </form>
    </search>
  );
}
