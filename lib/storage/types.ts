/** Where image bytes live: the local disk (STORAGE_DIR) or any S3-compatible bucket (S3_*). */
export interface ObjectStore {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** null when there is no such object. */
  get(key: string): Promise<Buffer | null>;
  /** Deleting a missing key is not an error. */
  delete(keys: string[]): Promise<void>;
}

/** Keys are derived, never taken from a request: images/<userId>/<generationId>/<index>[.thumb].<ext> */
export function imageKey(userId: string, generationId: string, index: number, ext: "png" | "jpg" | "webp"): string {
  return `images/${userId}/${generationId}/${index}.${ext}`;
}

export function thumbKey(userId: string, generationId: string, index: number): string {
  return `images/${userId}/${generationId}/${index}.thumb.webp`;
}

/** references/<userId>/<referenceId>.<ext>: a reference image's bytes, beside its owner's other keys. */
export function referenceKey(userId: string, referenceId: string, ext: "png" | "jpg" | "webp"): string {
  return `references/${userId}/${referenceId}.${ext}`;
}

export function referenceThumbKey(userId: string, referenceId: string): string {
  return `references/${userId}/${referenceId}.thumb.webp`;
}
