import type { ReferenceImage } from "@/lib/generated/prisma/client";

// A reference image as pages and the picker see it: where to load it from, never where it is stored.

export type ReferenceView = {
  id: string;
  /** The owner-checked WebP thumbnail. */
  thumbnailUrl: string;
  /** The owner-checked original. */
  url: string;
  width: number;
  height: number;
};

export function referenceView(row: Pick<ReferenceImage, "id" | "width" | "height">): ReferenceView {
  return {
    id: row.id,
    thumbnailUrl: `/api/references/${row.id}?variant=thumb`,
    url: `/api/references/${row.id}`,
    width: row.width,
    height: row.height,
  };
}

/**
 * A view from the id alone, for settings being reused (they carry ids only). The picker shows
 * thumbnails in square boxes (object-cover), so the nominal size changes nothing on screen.
 */
export function referenceViewOfId(id: string): ReferenceView {
  return referenceView({ id, width: 512, height: 512 });
}
