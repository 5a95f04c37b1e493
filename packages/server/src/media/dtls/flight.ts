/**
 * Flights (RFC 6347 §4.2.4): the messages one side sends before waiting, turned into datagrams no
 * larger than the path MTU. A flight keeps its messages, not its bytes: each retransmission gets new
 * record sequence numbers ("each retransmission is a new record", RFC 6347 §4.2.4) with the same
 * `message_seq` values.
 */
import {
  CONTENT_CHANGE_CIPHER_SPEC,
  CONTENT_HANDSHAKE,
  GCM_EXPLICIT_NONCE_LENGTH,
  GCM_TAG_LENGTH,
  RECORD_HEADER_LENGTH,
} from './constants.ts';
import { fragmentHandshakeMessage } from './handshake-codec.ts';

/** One element of a flight. */
export type FlightItem =
  | {
      readonly kind: 'handshake';
      /** 0: plaintext; 1: under the negotiated keys. */
      readonly epoch: number;
      readonly msgType: number;
      readonly messageSeq: number;
      readonly body: Buffer;
    }
  | { readonly kind: 'change-cipher-spec' };

/** Writes one record of the given epoch, taking the next sequence number of that epoch. */
export type RecordWriter = (type: number, epoch: number, plaintext: Buffer) => Buffer;

/** Bytes a record of `epoch` adds around its plaintext: the header, plus nonce and tag when protected. */
export function recordOverhead(epoch: number): number {
  return epoch === 0 ? RECORD_HEADER_LENGTH : RECORD_HEADER_LENGTH + GCM_EXPLICIT_NONCE_LENGTH + GCM_TAG_LENGTH;
}

/**
 * The datagrams of a flight: records packed in order, each datagram at most `mtu` bytes, messages
 * fragmented when a whole one cannot fit an empty datagram (RFC 6347 §4.1.1.1: "each DTLS record
 * MUST fit within a single datagram").
 */
export function encodeFlight(items: readonly FlightItem[], mtu: number, write: RecordWriter): Buffer[] {
  const datagrams: Buffer[] = [];
  let current: Buffer[] = [];
  let used = 0;
  const push = (record: Buffer): void => {
    if (used + record.length > mtu && current.length > 0) {
      datagrams.push(Buffer.concat(current, used));
      current = [];
      used = 0;
    }
    current.push(record);
    used += record.length;
  };
  for (const item of items) {
    if (item.kind === 'change-cipher-spec') {
      push(write(CONTENT_CHANGE_CIPHER_SPEC, 0, Buffer.from([1])));
      continue;
    }
    const maxFragment = mtu - recordOverhead(item.epoch);
    for (const fragment of fragmentHandshakeMessage(item.msgType, item.messageSeq, item.body, maxFragment)) {
      push(write(CONTENT_HANDSHAKE, item.epoch, fragment));
    }
  }
  if (current.length > 0) datagrams.push(Buffer.concat(current, used));
  return datagrams;
}
