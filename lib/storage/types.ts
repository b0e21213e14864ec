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
