import { describe, expect, it } from "vitest";
import { awaitsThumbnails, type GenerationView, THUMBNAIL_WAIT_MS } from "../../lib/generations/view";

// Which finished cards the studio keeps following for their thumbnails (use-live-generations.ts).

const completedAt = "2026-11-26T10:00:00.000Z";
const at = (ms: number) => Date.parse(completedAt) + ms;
const image = (placeholder: string | null) => ({
  id: "img",
  index: 0,
  width: 1024,
  height: 1024,
  placeholder,
  url: "/api/images/img",
  thumbUrl: placeholder ? "/api/images/img?variant=thumb" : "/api/images/img",
  downloadUrl: "/api/images/img?download=1",
});
const view = (overrides: Partial<GenerationView>) =>
  ({ status: "COMPLETED", completedAt, images: [image(null)], ...overrides }) as GenerationView;

describe("awaitsThumbnails", () => {
  it("follows a generation that has just completed until every image has its thumbnail", () => {
    expect(awaitsThumbnails(view({}), at(1000))).toBe(true);
    expect(awaitsThumbnails(view({ images: [image("data:image/webp;base64,AA"), image(null)] }), at(1000))).toBe(true);
    expect(awaitsThumbnails(view({ images: [image("data:image/webp;base64,AA")] }), at(1000))).toBe(false);
  });

  it("stops after a while (an image that never decodes gets none) and ignores what did not complete", () => {
    expect(awaitsThumbnails(view({}), at(THUMBNAIL_WAIT_MS + 1))).toBe(false);
    expect(awaitsThumbnails(view({ status: "FAILED", images: [] }), at(1000))).toBe(false);
    expect(awaitsThumbnails(view({ status: "RUNNING", completedAt: null }), at(1000))).toBe(false);
  });
});
