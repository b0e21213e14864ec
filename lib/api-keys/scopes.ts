// What an API key may do, and how a key is shown. Safe for client components.

export const API_SCOPES = ["generate", "read"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const SCOPE_LABELS: Record<ApiScope, string> = {
  generate: "generate — create images (spends credits)",
  read: "read — generations, images and balance",
};

export const SECRET_PREFIX = "atl_";

/** What a list shows for a key: `atl_AbCd1234…`. */
export function displayPrefix(prefix: string): string {
  return `${SECRET_PREFIX}${prefix}…`;
}
