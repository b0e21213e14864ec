// A correction to @electric-sql/pglite-socket 0.2.x, applied by ./server.ts.
//
// PGlite is a single session. pglite-socket shares it between connections by queueing each
// protocol message separately, so outside a transaction the Parse/Bind/Execute/Sync messages of
// two connections interleave and one connection's unnamed statement replaces another's: queries
// fail ("portal does not exist") or, worse, answer with another query's rows. Here each
// connection's messages are handed over in whole batches ending at Sync, Query or Terminate, so a
// batch runs without interruption (tests/integration/embedded-postgres.test.ts shows both).
import type { Socket } from "node:net";
import { PGLiteSocketHandler } from "@electric-sql/pglite-socket";

type HandlerInternals = {
  socket: Socket | null;
  active: boolean;
  id: number;
  messageBuffer: Buffer;
  queryQueue: { enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<unknown> };
  handleSslRequest(): boolean;
  handleCancelRequest(): boolean;
};

const PROTOCOL_V3 = 196608;
// Frontend messages after which the client waits for the server: the end of a batch.
const BATCH_END = new Set(["S", "Q", "X", "p", "c", "f", "F"]);

/** Length of the complete batch at the start of `buffer` (0 when it is not complete yet). */
export function completeBatchLength(buffer: Buffer): number {
  let offset = 0;
  let end = 0;
  while (offset < buffer.length) {
    // The startup message has no type byte: length, then protocol version 3.0.
    if (offset === 0 && buffer.length >= 8 && buffer.readInt32BE(4) === PROTOCOL_V3) {
      const length = buffer.readInt32BE(0);
      return buffer.length >= length ? length : 0;
    }
    if (buffer.length - offset < 5) break;
    const length = 1 + buffer.readInt32BE(offset + 1);
    if (buffer.length - offset < length) break;
    const type = String.fromCharCode(buffer[offset] ?? 0);
    offset += length;
    if (BATCH_END.has(type)) end = offset;
  }
  return end;
}

async function handleData(this: HandlerInternals, data: Buffer): Promise<number> {
  if (!this.socket || !this.active) return 0;
  this.messageBuffer = Buffer.concat([this.messageBuffer, data]);
  let written = 0;
  while (this.messageBuffer.length > 0) {
    if (this.handleSslRequest() || this.handleCancelRequest()) continue;
    const length = completeBatchLength(this.messageBuffer);
    if (length === 0) break;
    const batch = this.messageBuffer.subarray(0, length);
    this.messageBuffer = this.messageBuffer.subarray(length);
    let writeError: Error | undefined;
    await this.queryQueue.enqueue(this.id, new Uint8Array(batch), (out) => {
      if (out.length > 0 && this.socket?.writable && this.active) {
        this.socket.write(Buffer.from(out), (error) => {
          if (error) writeError = error;
        });
      }
      written += out.length;
    });
    if (writeError) throw writeError;
  }
  return written;
}

/** Makes every pglite-socket connection hand its messages to PGlite in whole batches. */
export function installBatching(): void {
  (PGLiteSocketHandler.prototype as unknown as { handleData: typeof handleData }).handleData = handleData;
}
