// Bounds on what the studio accepts as an image. The largest the contract allows is 4096x4096;
// a PNG of that size is typically 20-35 MB.
export const MAX_IMAGE_BYTES = 40 * 1024 * 1024;
export const MAX_IMAGE_PIXELS = 4096 * 4096;
