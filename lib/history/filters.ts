import { z } from "zod";
import { STATUS_WORDS } from "@/lib/generations/status";
import { presetAspects } from "@/lib/models";

// What the history can be narrowed to. Shared by the page (URL search params), the load-more
// action and the queries; safe to import from client components.

export const PAGE_SIZE = 24;

export const STATUS_FILTERS = ["queued", "running", "completed", "failed"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export const STATUS_LABELS: Record<StatusFilter, string> = {
  queued: STATUS_WORDS.QUEUED,
  running: STATUS_WORDS.RUNNING,
  completed: STATUS_WORDS.COMPLETED,
  failed: STATUS_WORDS.FAILED,
};

/** Aspect choices: every preset's ratio (a custom size of the same shape has the same aspect). */
export const ASPECT_FILTERS: readonly string[] = presetAspects();

const day = z.iso.date();

export const historyFiltersSchema = z.object({
  q: z.string().trim().max(200).optional(),
  status: z.enum(STATUS_FILTERS).optional(),
  aspect: z
    .string()
    .regex(/^\d{1,4}(\.\d{1,2})?:\d{1,4}$/)
    .optional(),
  model: z
    .string()
    .regex(/^[\w.\-/]{1,100}$/)
    .optional(),
  from: day.optional(),
  to: day.optional(),
  favorites: z.boolean().optional(),
  /** Only generations made from reference images (edits, combinations, upscales). */
  edits: z.boolean().optional(),
});

export type HistoryFilters = z.infer<typeof historyFiltersSchema>;

type RawParams = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v.trim() === "" ? undefined : v;
}

/**
 * Reads filters from a URL's search params. A value that does not parse is dropped rather than
 * failing the page: a hand-edited or stale URL still shows the history.
 */
export function parseHistoryParams(params: RawParams): { filters: HistoryFilters; cursor: string | undefined } {
  const pick = <T>(schema: z.ZodType<T>, value: unknown): T | undefined => {
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  };
  const shape = historyFiltersSchema.shape;
  const filters: HistoryFilters = {
    q: pick(shape.q, first(params.q)),
    status: pick(shape.status, first(params.status)),
    aspect: pick(shape.aspect, first(params.aspect)),
    model: pick(shape.model, first(params.model)),
    from: pick(shape.from, first(params.from)),
    to: pick(shape.to, first(params.to)),
    favorites: first(params.fav) === "1" ? true : undefined,
    edits: first(params.edits) === "1" ? true : undefined,
  };
  const cursor = first(params.cursor);
  return { filters, cursor: cursor && cursor.length <= 200 ? cursor : undefined };
}

/** The query string for filters (and optionally a cursor), in a stable order. */
export function historySearch(filters: HistoryFilters, cursor?: string): string {
  const params = new URLSearchParams();
  if (filters.q) params.set("q", filters.q);
  if (filters.status) params.set("status", filters.status);
  if (filters.aspect) params.set("aspect", filters.aspect);
  if (filters.model) params.set("model", filters.model);
  if (filters.from) params.set("from", filters.from);
  if (filters.to) params.set("to", filters.to);
  if (filters.favorites) params.set("fav", "1");
  if (filters.edits) params.set("edits", "1");
  if (cursor) params.set("cursor", cursor);
  const search = params.toString();
  return search ? `?${search}` : "";
}

export function hasFilters(filters: HistoryFilters): boolean {
  return Object.values(filters).some((v) => v !== undefined && v !== false);
}
