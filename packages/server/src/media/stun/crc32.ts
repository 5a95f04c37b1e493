/**
 * CRC-32 (ISO-HDLC / IEEE 802.3, the zlib and PNG checksum: reflected polynomial 0xEDB88320, initial
 * value and final XOR 0xFFFFFFFF), as STUN's FINGERPRINT needs it (RFC 8489 §14.7 refers to ITU V.42).
 * Table-driven, one byte per step.
 */

const POLYNOMIAL = 0xedb88320;

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? POLYNOMIAL ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

const TABLE = buildTable();

/**
 * CRC-32 of `data[start, end)`. Pass a previous result as `crc` to continue a running checksum over
 * several pieces. Returns an unsigned 32-bit integer.
 */
export function crc32(data: Uint8Array, start = 0, end = data.length, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = start; i < end; i++) {
    // `data[i]` is in range: the loop stays inside [start, end) ⊆ [0, data.length).
    c = (TABLE[(c ^ (data[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  }
  return ~c >>> 0;
}
