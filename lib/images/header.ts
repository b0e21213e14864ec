// An image's dimensions read from its header alone: PNG's IHDR, JPEG's start-of-frame (turned by
// its EXIF orientation, as browsers show it), WebP's VP8/VP8L/VP8X chunk. This is what the
// critical path after the model answers can afford: no pixel is decoded here (the full decode
// happens later, in the derivatives job). null when the header is missing or malformed.

export type HeaderFacts = { width: number; height: number };

export function readDimensions(bytes: Buffer, ext: "png" | "jpg" | "webp"): HeaderFacts | null {
  try {
    if (ext === "png") return png(bytes);
    if (ext === "jpg") return jpeg(bytes);
    return webp(bytes);
  } catch {
    // A read past the end of a truncated header (RangeError) means there is no header.
    return null;
  }
}

function png(b: Buffer): HeaderFacts | null {
  if (b.toString("latin1", 12, 16) !== "IHDR") return null;
  return positive(b.readUInt32BE(16), b.readUInt32BE(20));
}

// Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpeg(b: Buffer): HeaderFacts | null {
  let offset = 2;
  let orientation = 1;
  while (offset + 4 <= b.length) {
    if (b[offset] !== 0xff) return null;
    const marker = b[offset + 1] ?? 0;
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // markers without a length
      continue;
    }
    const length = b.readUInt16BE(offset + 2);
    if (length < 2) return null;
    if (marker === 0xe1) orientation = exifOrientation(b.subarray(offset + 4, offset + 2 + length)) ?? orientation;
    if (SOF.has(marker)) {
      const height = b.readUInt16BE(offset + 5);
      const width = b.readUInt16BE(offset + 7);
      // Orientations 5-8 turn the picture by 90 degrees.
      return orientation >= 5 && orientation <= 8 ? positive(height, width) : positive(width, height);
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image or scan data before any frame
    offset += 2 + length;
  }
  return null;
}

function exifOrientation(segment: Buffer): number | null {
  if (segment.toString("latin1", 0, 6) !== "Exif\0\0") return null;
  const tiff = segment.subarray(6);
  const order = tiff.toString("latin1", 0, 2);
  if (order !== "II" && order !== "MM") return null;
  const le = order === "II";
  const u16 = (at: number) => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = u32(4);
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (u16(entry) === 0x0112) return u16(entry + 8);
  }
  return null;
}

function webp(b: Buffer): HeaderFacts | null {
  const chunk = b.toString("latin1", 12, 16);
  if (chunk === "VP8 ") {
    // Lossy: the key frame's start code, then 14-bit width and height.
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return positive(b.readUInt16LE(26) & 0x3fff, b.readUInt16LE(28) & 0x3fff);
  }
  if (chunk === "VP8L") {
    if (b[20] !== 0x2f) return null;
    const bits = b.readUInt32LE(21);
    return positive((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
  }
  if (chunk === "VP8X") return positive(b.readUIntLE(24, 3) + 1, b.readUIntLE(27, 3) + 1);
  return null;
}

function positive(width: number, height: number): HeaderFacts | null {
  return width > 0 && height > 0 ? { width, height } : null;
}
