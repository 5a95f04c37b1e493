/**
 * RTCP compound packet parsing (RFC 3550 §6, RFC 4585 §6.1) and RTP/RTCP demultiplexing on one port
 * (RFC 5761 §4). RTCP arrives about once a second per leg, so parsing allocates freely; it never
 * throws and never reads past `len`.
 * @see https://www.rfc-editor.org/rfc/rfc3550#section-6
 */
import {
  RTCP_APP,
  RTCP_BYE,
  RTCP_MUX_PT_MAX,
  RTCP_MUX_PT_MIN,
  RTCP_PSFB,
  RTCP_REPORT_BLOCK_LENGTH,
  RTCP_RR,
  RTCP_RTPFB,
  RTCP_SDES,
  RTCP_SR,
  RTP_VERSION,
} from './constants.ts';
import type { ReportBlock, RtcpPacket, RtcpParseFailure, RtcpParseResult, SdesChunk, SdesItem } from './rtcp-types.ts';

/**
 * True when a packet received on an rtcp-mux port is RTCP: its second octet (the RTCP packet type)
 * is in 192–223 (RFC 5761 §4). Allocation-free; false for packets shorter than 2 bytes.
 */
export function isRtcpPacket(buf: Buffer, len: number = buf.length): boolean {
  if (!(len >= 2 && len <= buf.length)) return false;
  const pt = buf.readUInt8(1);
  return pt >= RTCP_MUX_PT_MIN && pt <= RTCP_MUX_PT_MAX;
}

/**
 * Parses a compound RTCP packet in `buf[0, len)`. Every packet must have version 2 and a length
 * that fits; padding (P bit) is removed from the packet that carries it. Unknown packet types are
 * kept raw. Reduced-size RTCP (RFC 5506, e.g. a lone feedback packet) is accepted.
 * @returns all packets, or the first problem and the offset of the packet that has it.
 */
export function parseRtcp(buf: Buffer, len: number = buf.length): RtcpParseResult {
  if (!Number.isInteger(len) || len < 0 || len > buf.length) return { ok: false, reason: 'bad-length', offset: 0 };
  if (len < 4) return { ok: false, reason: 'too-short', offset: 0 };
  const packets: RtcpPacket[] = [];
  let offset = 0;
  while (offset < len) {
    if (offset + 4 > len) return { ok: false, reason: 'truncated', offset };
    const b0 = buf.readUInt8(offset);
    if (b0 >> 6 !== RTP_VERSION) return { ok: false, reason: 'bad-version', offset };
    const size = 4 * (buf.readUInt16BE(offset + 2) + 1);
    if (offset + size > len) return { ok: false, reason: 'truncated', offset };
    let end = offset + size;
    if ((b0 & 0x20) !== 0) {
      const padding = buf.readUInt8(end - 1);
      if (padding === 0 || padding > size - 4) return { ok: false, reason: 'bad-padding', offset };
      end -= padding;
    }
    const packet = parseOne(buf, b0 & 0x1f, buf.readUInt8(offset + 1), offset + 4, end);
    if (typeof packet === 'string') return { ok: false, reason: packet, offset };
    packets.push(packet);
    offset += size;
  }
  return { ok: true, packets };
}

/** Parses one packet whose body is `buf[start, end)`. */
function parseOne(
  buf: Buffer,
  count: number,
  packetType: number,
  start: number,
  end: number,
): RtcpPacket | RtcpParseFailure {
  const length = end - start;
  switch (packetType) {
    case RTCP_SR: {
      if (length < 24 + count * RTCP_REPORT_BLOCK_LENGTH) return 'bad-sr';
      return {
        type: 'sr',
        ssrc: buf.readUInt32BE(start),
        ntpSeconds: buf.readUInt32BE(start + 4),
        ntpFraction: buf.readUInt32BE(start + 8),
        rtpTimestamp: buf.readUInt32BE(start + 12),
        packetCount: buf.readUInt32BE(start + 16),
        octetCount: buf.readUInt32BE(start + 20),
        reports: readReportBlocks(buf, start + 24, count),
      };
    }
    case RTCP_RR: {
      if (length < 4 + count * RTCP_REPORT_BLOCK_LENGTH) return 'bad-rr';
      return { type: 'rr', ssrc: buf.readUInt32BE(start), reports: readReportBlocks(buf, start + 4, count) };
    }
    case RTCP_SDES: {
      const chunks = readSdesChunks(buf, count, start, end);
      return typeof chunks === 'string' ? chunks : { type: 'sdes', chunks };
    }
    case RTCP_BYE: {
      if (length < 4 * count) return 'bad-bye';
      const ssrcs: number[] = [];
      for (let i = 0; i < count; i++) ssrcs.push(buf.readUInt32BE(start + 4 * i));
      const at = start + 4 * count;
      if (at >= end) return { type: 'bye', ssrcs };
      const reasonLength = buf.readUInt8(at);
      if (at + 1 + reasonLength > end) return 'bad-bye';
      return { type: 'bye', ssrcs, reason: buf.toString('utf8', at + 1, at + 1 + reasonLength) };
    }
    case RTCP_APP: {
      if (length < 8) return 'bad-app';
      return {
        type: 'app',
        subtype: count,
        ssrc: buf.readUInt32BE(start),
        name: buf.toString('latin1', start + 4, start + 8),
        data: Buffer.from(buf.subarray(start + 8, end)),
      };
    }
    case RTCP_RTPFB:
    case RTCP_PSFB: {
      if (length < 8) return 'bad-feedback';
      return {
        type: packetType === RTCP_RTPFB ? 'rtpfb' : 'psfb',
        fmt: count,
        senderSsrc: buf.readUInt32BE(start),
        mediaSsrc: buf.readUInt32BE(start + 4),
        fci: Buffer.from(buf.subarray(start + 8, end)),
      };
    }
    default:
      return { type: 'unknown', packetType, count, body: Buffer.from(buf.subarray(start, end)) };
  }
}

function readReportBlocks(buf: Buffer, start: number, count: number): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  for (let i = 0; i < count; i++) {
    const at = start + i * RTCP_REPORT_BLOCK_LENGTH;
    blocks.push({
      ssrc: buf.readUInt32BE(at),
      fractionLost: buf.readUInt8(at + 4),
      // 24-bit two's complement.
      cumulativeLost: (buf.readUIntBE(at + 5, 3) << 8) >> 8,
      extendedHighestSequence: buf.readUInt32BE(at + 8),
      jitter: buf.readUInt32BE(at + 12),
      lsr: buf.readUInt32BE(at + 16),
      dlsr: buf.readUInt32BE(at + 20),
    });
  }
  return blocks;
}

/**
 * RFC 3550 §6.5: each chunk is an SSRC and items, ended by one or more null octets up to the next
 * 32-bit boundary (counted from the packet start, which `start − 4` is).
 */
function readSdesChunks(buf: Buffer, count: number, start: number, end: number): SdesChunk[] | 'bad-sdes' {
  const chunks: SdesChunk[] = [];
  let at = start;
  for (let c = 0; c < count; c++) {
    if (at + 4 > end) return 'bad-sdes';
    const ssrc = buf.readUInt32BE(at);
    at += 4;
    const items: SdesItem[] = [];
    for (;;) {
      if (at >= end) return 'bad-sdes';
      const type = buf.readUInt8(at);
      if (type === 0) {
        at = start + Math.ceil((at + 1 - start) / 4) * 4;
        if (at > end) return 'bad-sdes';
        break;
      }
      if (at + 2 > end) return 'bad-sdes';
      const valueLength = buf.readUInt8(at + 1);
      if (at + 2 + valueLength > end) return 'bad-sdes';
      items.push({ type, value: buf.toString('utf8', at + 2, at + 2 + valueLength) });
      at += 2 + valueLength;
    }
    chunks.push({ ssrc, items });
  }
  return chunks;
}
