// Keys are made by imageKey/thumbKey, but the stores check them again: a key becomes a file path
// (disk) or an object name (S3), and must never climb out of its root.
const SAFE_KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

export function assertSafeKey(key: string): void {
  if (key.length > 512 || !SAFE_KEY.test(key) || key.split("/").some((part) => part === "." || part === "..")) {
    throw new Error(`unsafe storage key: ${JSON.stringify(key.slice(0, 100))}`);
  }
}
