/**
 * A bridge between two legs of the relay (WebRTC or SIP, any pair). Each leg forwards what it
 * receives to a {@link BridgeDirection} standing in for the other leg: when both legs use the same
 * codec the packet goes straight to the other leg's `sendRelayed` (rewritten in place, as before);
 * when they differ (Opus on a browser leg, PCMU or PCMA on a SIP leg) it goes through a
 * {@link Transcoder}. The choice is made again whenever either leg renegotiates, so a re-INVITE that
 * changes a codec switches between passthrough and transcoding on the next packet.
 */
import type { MediaBridge } from '../../calls/ports.ts';
import type { Logger } from '../../core/index.ts';
import { isTranscodable, type OpusSettings } from '../codec/index.ts';
import type { RelayCodecs, RelayLeg } from '../endpoint/index.ts';
import { Transcoder, needsTranscoding } from './transcoder.ts';

/** What a bridge needs besides its two legs. */
export interface BridgeOptions {
  /** How the Opus side of a transcoding bridge runs. */
  readonly opus: OpusSettings;
  readonly log: Logger;
}

function codecKey(from: RelayCodecs, to: RelayCodecs): string {
  const te = (list: RelayCodecs['telephoneEvents']): string => list.map((t) => `${String(t.pt)}/${String(t.clockRate)}`).join(',');
  return `${from.primary.name}/${String(from.primary.clockRate)} ${from.primaryIn.join(',')} ${te(from.telephoneEventsIn)} → ${to.primary.name}/${String(to.primary.pt)} ${te(to.telephoneEvents)}`;
}

/** One direction of a bridge: the source leg's media to the target leg. Stands in for the target as the source's peer. */
export class BridgeDirection implements RelayLeg {
  readonly #bridge: RelayBridge;
  readonly #source: RelayLeg;
  readonly #target: RelayLeg;
  readonly #options: BridgeOptions;
  #from: RelayCodecs | null = null;
  #to: RelayCodecs | null = null;
  #key = '';
  #transcoder: Transcoder | null = null;
  readonly #sendTarget = (buf: Buffer, len: number, now: number): boolean => this.#target.sendRelayed(buf, len, now);

  constructor(bridge: RelayBridge, source: RelayLeg, target: RelayLeg, options: BridgeOptions) {
    this.#bridge = bridge;
    this.#source = source;
    this.#target = target;
    this.#options = options;
  }

  get id(): string {
    return this.#target.id;
  }

  get relayCodecs(): RelayCodecs | null {
    return this.#target.relayCodecs;
  }

  /** The leg the target forwards to: the source while this bridge holds both. */
  get peer(): RelayLeg | null {
    const p = this.#target.peer;
    return p !== null && p === this.#bridge.reverseOf(this) ? this.#source : p;
  }

  /** True while packets of this direction are transcoded. */
  get transcoding(): boolean {
    return this.#transcoder !== null;
  }

  sendRelayed(buf: Buffer, len: number, now: number): boolean {
    if (!this.#bridge.open) return false;
    const from = this.#source.relayCodecs;
    const to = this.#target.relayCodecs;
    if (from !== this.#from || to !== this.#to) this.configure();
    const transcoder = this.#transcoder;
    return transcoder === null ? this.#target.sendRelayed(buf, len, now) : transcoder.push(buf, len, now);
  }

  attachSource(source: RelayLeg | null): void {
    this.#target.attachSource(source);
  }

  /** Null (the source leg closed): the bridge ends. */
  setPeer(peer: RelayLeg | null): void {
    if (peer === null) this.#bridge.close();
    else this.#target.setPeer(peer);
  }

  /** Chooses passthrough or transcoding for the legs' current codecs (a transcoder is kept while they match). */
  configure(): void {
    const from = this.#source.relayCodecs;
    const to = this.#target.relayCodecs;
    this.#from = from;
    this.#to = to;
    const transcode = from !== null && to !== null && needsTranscoding(from, to) && isTranscodable(from.primary.name) && isTranscodable(to.primary.name);
    const key = transcode ? codecKey(from, to) : '';
    if (key === this.#key) return;
    this.#transcoder?.close();
    this.#transcoder = null;
    this.#key = key;
    if (!transcode) return;
    try {
      this.#transcoder = new Transcoder(from, to, this.#sendTarget, this.#options.opus);
      this.#options.log.debug({ from: this.#source.id, to: this.#target.id, codecs: key }, 'bridge transcodes');
    } catch (err) {
      // libopus failed to load or refused the settings: nothing is forwarded this way (counted notForwarded).
      this.#options.log.error({ err, from: this.#source.id, to: this.#target.id, codecs: key }, 'transcoder could not be created');
    }
  }

  /** Frees the transcoder (the bridge closed). */
  release(): void {
    this.#transcoder?.close();
    this.#transcoder = null;
    this.#key = '';
    this.#from = null;
    this.#to = null;
  }
}

/** Relays media between two legs until closed, or until either leg closes. */
export class RelayBridge implements MediaBridge {
  readonly #a: RelayLeg;
  readonly #b: RelayLeg;
  readonly #ab: BridgeDirection;
  readonly #ba: BridgeDirection;
  #open = true;

  constructor(a: RelayLeg, b: RelayLeg, options: BridgeOptions) {
    this.#a = a;
    this.#b = b;
    this.#ab = new BridgeDirection(this, a, b, options);
    this.#ba = new BridgeDirection(this, b, a, options);
    a.attachSource(b);
    b.attachSource(a);
    a.setPeer(this.#ab);
    b.setPeer(this.#ba);
    this.#ab.configure();
    this.#ba.configure();
  }

  /** The other direction of this bridge. */
  reverseOf(direction: BridgeDirection): BridgeDirection {
    return direction === this.#ab ? this.#ba : this.#ab;
  }

  /** Whether each direction (a → b, b → a) transcodes now. */
  get transcoding(): { readonly ab: boolean; readonly ba: boolean } {
    return { ab: this.#ab.transcoding, ba: this.#ba.transcoding };
  }

  get open(): boolean {
    return this.#open;
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    if (this.#a.peer === this.#ab) this.#a.setPeer(null);
    if (this.#b.peer === this.#ba) this.#b.setPeer(null);
    this.#ab.release();
    this.#ba.release();
  }
}
