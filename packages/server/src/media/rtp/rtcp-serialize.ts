/**
 * RTCP serialization (RFC 3550 §6.4–6.7, RFC 4585 §6.1): every packet type of {@link RtcpPacket},
 * and compound packets. Numeric fields are reduced to their wire widths; the cumulative loss is
 * clamped to the signed 24-bit range (RFC 3550 Appendix A.3). Allocates; meant for ~1 packet/s.
 * @see https://www.rfc-editor.org/rfc/rfc3550#section-6.4
 */
import {
  RTCP_APP,
  RTCP_BYE,
  RTCP_MAX_COUNT,
  RTCP_PSFB,
  RTCP_REPORT_BLOCK_LENGTH,
  RTCP_RR,
  RTCP_RTPFB,
  RTCP_SDES,
  RTCP_SR,
  RTP_VERSION,
  SDES_CNAME,
} from './constants.ts';
import type { ReportBlock, RtcpPacket, SdesChunk, SdesPacket } from './rtcp-types.ts';
import { assertNever } from '../../core/index.ts';

const CUMULATIVE_LOST_MAX = 0x7f_ffff;
const CUMULATIVE_LOST_MIN = -0x80_0000;

/**
 * Serializes a compound RTCP packet: the packets in order, without padding.
 * @throws RangeError for counts over 31, SDES items over 255 bytes, an APP name that is not 4
 *   latin1 characters, or a packet over 2^18 bytes (programmer errors).
 */
export function serializeRtcp(packets: readonly RtcpPacket[]): Buffer {
  return Buffer.concat(packets.map(serializeRtcpPacket));
}

/**
 * Serializes one RTCP packet.
 * @throws RangeError as {@link serializeRtcp}.
 */
export function serializeRtcpPacket(packet: RtcpPacket): Buffer {
  switch (packet.type) {
    case 'sr': {
      const count = checkCount(packet.reports.length);
      const buf = header(RTCP_SR, count, 24 + RTCP_REPORT_BLOCK_LENGTH * count);
      buf.writeUInt32BE(packet.ssrc >>> 0, 4);
      buf.writeUInt32BE(packet.ntpSeconds >>> 0, 8);
      buf.writeUInt32BE(packet.ntpFraction >>> 0, 12);
      buf.writeUInt32BE(packet.rtpTimestamp >>> 0, 16);
      buf.writeUInt32BE(packet.packetCount >>> 0, 20);
      buf.writeUInt32BE(packet.octetCount >>> 0, 24);
      writeReportBlocks(buf, 28, packet.reports);
      return buf;
    }
    case 'rr': {
      const count = checkCount(packet.reports.length);
      const buf = header(RTCP_RR, count, 4 + RTCP_REPORT_BLOCK_LENGTH * count);
      buf.writeUInt32BE(packet.ssrc >>> 0, 4);
      writeReportBlocks(buf, 8, packet.reports);
      return buf;
    }
    case 'sdes':
      return serializeSdes(packet);
    case 'bye': {
      const reason = packet.reason === undefined ? undefined : Buffer.from(packet.reason, 'utf8');
      if (reason !== undefined && reason.length > 255) throw new RangeError('BYE reason over 255 bytes');
      const reasonSize = reason === undefined ? 0 : pad4(1 + reason.length);
      const buf = header(RTCP_BYE, checkCount(packet.ssrcs.length), 4 * packet.ssrcs.length + reasonSize);
      packet.ssrcs.forEach((ssrc, i) => buf.writeUInt32BE(ssrc >>> 0, 4 + 4 * i));
      if (reason !== undefined) {
        const at = 4 + 4 * packet.ssrcs.length;
        buf.writeUInt8(reason.length, at);
        reason.copy(buf, at + 1);
      }
      return buf;
    }
    case 'app': {
      const name = Buffer.from(packet.name, 'latin1');
      if (name.length !== 4 || packet.name.length !== 4) throw new RangeError('APP name must be 4 characters');
      const buf = header(RTCP_APP, packet.subtype & 0x1f, 8 + pad4(packet.data.length));
      buf.writeUInt32BE(packet.ssrc >>> 0, 4);
      name.copy(buf, 8);
      buf.set(packet.data, 12);
      return buf;
    }
    case 'rtpfb':
    case 'psfb': {
      const packetType = packet.type === 'rtpfb' ? RTCP_RTPFB : RTCP_PSFB;
      const buf = header(packetType, packet.fmt & 0x1f, 8 + pad4(packet.fci.length));
      buf.writeUInt32BE(packet.senderSsrc >>> 0, 4);
      buf.writeUInt32BE(packet.mediaSsrc >>> 0, 8);
      buf.set(packet.fci, 12);
      return buf;
    }
    case 'unknown': {
      const buf = header(packet.packetType & 0xff, packet.count & 0x1f, pad4(packet.body.length));
      buf.set(packet.body, 4);
      return buf;
    }
    default:
      return assertNever(packet, 'RTCP packet');
  }
}

/** An SDES packet with one chunk holding only a CNAME item, as every compound packet needs (§6.1). */
export function sdesCname(ssrc: number, cname: string): SdesPacket {
  return { type: 'sdes', chunks: [{ ssrc, items: [{ type: SDES_CNAME, value: cname }] }] };
}

function serializeSdes(packet: SdesPacket): Buffer {
  const encoded = packet.chunks.map((chunk: SdesChunk) => {
    const items = chunk.items.map((item) => {
      const value = Buffer.from(item.value, 'utf8');
      if (value.length > 255) throw new RangeError(`SDES item over 255 bytes (type ${item.type})`);
      if (item.type < 1 || item.type > 255) throw new RangeError(`bad SDES item type ${item.type}`);
      return { type: item.type, value };
    });
    const itemBytes = items.reduce((sum, item) => sum + 2 + item.value.length, 0);
    // One to four null octets end the item list and pad the chunk to 32 bits.
    return { ssrc: chunk.ssrc, items, size: 4 + itemBytes + (4 - (itemBytes % 4)) };
  });
  const buf = header(RTCP_SDES, checkCount(encoded.length), encoded.reduce((sum, c) => sum + c.size, 0));
  let at = 4;
  for (const chunk of encoded) {
    buf.writeUInt32BE(chunk.ssrc >>> 0, at);
    let i = at + 4;
    for (const item of chunk.items) {
      buf.writeUInt8(item.type, i);
      buf.writeUInt8(item.value.length, i + 1);
      item.value.copy(buf, i + 2);
      i += 2 + item.value.length;
    }
    at += chunk.size; // the nulls are already zero
  }
  return buf;
}

function writeReportBlocks(buf: Buffer, start: number, reports: readonly ReportBlock[]): void {
  reports.forEach((r, i) => {
    const at = start + i * RTCP_REPORT_BLOCK_LENGTH;
    const lost = Math.max(CUMULATIVE_LOST_MIN, Math.min(CUMULATIVE_LOST_MAX, Math.trunc(r.cumulativeLost)));
    buf.writeUInt32BE(r.ssrc >>> 0, at);
    buf.writeUInt8(r.fractionLost & 0xff, at + 4);
    buf.writeUIntBE(lost & 0xff_ffff, at + 5, 3);
    buf.writeUInt32BE(r.extendedHighestSequence >>> 0, at + 8);
    buf.writeUInt32BE(r.jitter >>> 0, at + 12);
    buf.writeUInt32BE(r.lsr >>> 0, at + 16);
    buf.writeUInt32BE(r.dlsr >>> 0, at + 20);
  });
}

/** A zeroed packet of `4 + bodyLength` bytes with its common header written. */
function header(packetType: number, count: number, bodyLength: number): Buffer {
  const size = 4 + bodyLength;
  if (size / 4 - 1 > 0xffff) throw new RangeError(`RTCP packet too long (${size} bytes)`);
  const buf = Buffer.alloc(size);
  buf.writeUInt8((RTP_VERSION << 6) | count, 0);
  buf.writeUInt8(packetType, 1);
  buf.writeUInt16BE(size / 4 - 1, 2);
  return buf;
}

function checkCount(count: number): number {
  if (count > RTCP_MAX_COUNT) throw new RangeError(`at most ${RTCP_MAX_COUNT} entries per RTCP packet, got ${count}`);
  return count;
}

function pad4(n: number): number {
  return Math.ceil(n / 4) * 4;
}
