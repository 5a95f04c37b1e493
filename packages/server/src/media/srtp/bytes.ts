/** Big-endian word access on plain `Uint8Array`s for the per-packet path (no `Buffer` checks). */

/** Big-endian 32-bit write without bounds checks beyond the typed array's own. */
export function writeUint32(buf: Uint8Array, offset: number, value: number): void {
  buf[offset] = value >>> 24;
  buf[offset + 1] = (value >>> 16) & 0xff;
  buf[offset + 2] = (value >>> 8) & 0xff;
  buf[offset + 3] = value & 0xff;
}

/** Big-endian 32-bit read (unsigned). */
export function readUint32(buf: Uint8Array, offset: number): number {
  return (((buf[offset] ?? 0) << 24) | ((buf[offset + 1] ?? 0) << 16) | ((buf[offset + 2] ?? 0) << 8) | (buf[offset + 3] ?? 0)) >>> 0;
}
