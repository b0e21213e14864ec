type Body = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

/**
 * Collects a body of at most `maxBytes`, stopping as soon as it grows past it (so an endless or
 * oversized body costs at most `maxBytes` of memory). Returns null when the limit was passed.
 */
export async function readCapped(body: Body, maxBytes: number): Promise<Buffer | null> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of "getReader" in body ? webChunks(body) : body) {
    total += chunk.byteLength;
    if (total > maxBytes) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

async function* webChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Stops the transfer when the caller gives up early (limit passed).
    await reader.cancel().catch(() => undefined);
  }
}
