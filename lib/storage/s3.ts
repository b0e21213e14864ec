import {
  DeleteObjectsCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { assertSafeKey } from "@/lib/storage/key";
import type { ObjectStore } from "@/lib/storage/types";

export type S3StoreOptions = {
  bucket: string;
  region: string;
  /** Any S3-compatible service (MinIO, R2, ...); AWS when absent. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** When absent the SDK's default chain (environment, instance role, ...) applies. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
};

const DELETE_BATCH = 1000; // DeleteObjects' per-request maximum

export function createS3Store(options: S3StoreOptions): ObjectStore {
  const config: S3ClientConfig = {
    region: options.region,
    forcePathStyle: options.forcePathStyle ?? false,
    // The SDK's default extra checksums are not understood by every S3-compatible service;
    // send and verify them only where the operation requires it.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  const client = new S3Client(config);
  const Bucket = options.bucket;

  return {
    async put(key, body, contentType) {
      assertSafeKey(key);
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType }));
    },
    async get(key) {
      assertSafeKey(key);
      try {
        const result = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        if (!result.Body) return null;
        return Buffer.from(await result.Body.transformToByteArray());
      } catch (error) {
        if (error instanceof NoSuchKey) return null;
        throw error;
      }
    },
    async delete(keys) {
      keys.forEach(assertSafeKey);
      for (let i = 0; i < keys.length; i += DELETE_BATCH) {
        const batch = keys.slice(i, i + DELETE_BATCH);
        const result = await client.send(
          new DeleteObjectsCommand({ Bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
        );
        const failures = result.Errors ?? [];
        if (failures.length > 0) {
          const first = failures[0];
          throw new Error(`S3 refused to delete ${failures.length} object(s), e.g. ${first?.Key}: ${first?.Code}`);
        }
      }
    },
  };
}
