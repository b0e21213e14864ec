import path from "node:path";
import { env } from "@/lib/env";
import { createDiskStore } from "@/lib/storage/disk";
import { createS3Store } from "@/lib/storage/s3";
import type { ObjectStore } from "@/lib/storage/types";

let store: ObjectStore | undefined;

/** The process-wide store: the S3 bucket when S3_BUCKET is set, else files under STORAGE_DIR (default DATA_DIR/images). */
export function objectStore(): ObjectStore {
  store ??= storeFromEnv();
  return store;
}

function storeFromEnv(): ObjectStore {
  const e = env();
  if (e.S3_BUCKET) {
    return createS3Store({
      bucket: e.S3_BUCKET,
      region: e.S3_REGION,
      forcePathStyle: e.S3_FORCE_PATH_STYLE,
      ...(e.S3_ENDPOINT ? { endpoint: e.S3_ENDPOINT } : {}),
      ...(e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
        ? { credentials: { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY } }
        : {}),
    });
  }
  return createDiskStore(e.STORAGE_DIR ?? path.join(e.DATA_DIR, "images"));
}
