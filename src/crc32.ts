/**
 * CRC-32 (ISO-HDLC / zlib: reflected polynomial 0xEDB88320), table-driven so it works on every
 * Node ≥ 20 (node:zlib gained crc32 only in 20.15). One implementation for the two users: the
 * per-prompt sampling seed (transformer/sample.ts, spec §1.7) and PNG chunks (core/png.ts).
 * Pure; imports nothing.
 */

/** The 256-entry lookup table. */
export const CRC32_TABLE: Uint32Array = ((): Uint32Array => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32 of bytes[start, end) (unsigned 32-bit).
 * @example crc32(new TextEncoder().encode('123456789')) === 0xcbf43926
 */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC32_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
