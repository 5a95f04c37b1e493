/**
 * What the SIP edge does before anything else with a request from the network: scanners dropped by
 * User-Agent, INVITE floods from one source rate-limited (token bucket per address, bounded), and the
 * IP allow-list matching (addresses and CIDRs, IPv4 and IPv6).
 */

/** User-Agents of SIP scanners and toll-fraud tools; their requests get no answer at all. */
const SCANNERS = /friendly-scanner|sipvicious|sipcli|sip-scan|sipsak|vaxsipuseragent|pplsip|iwar|sundayddr|smap|cisco-cp7960g-scan/i;

export function isScanner(userAgent: string | undefined): boolean {
  return userAgent !== undefined && SCANNERS.test(userAgent);
}

/** A token bucket per source address: `rate` INVITEs a second with bursts of `burst`; at most `maxSources` tracked. */
export class FloodGuard {
  readonly #rate: number;
  readonly #burst: number;
  readonly #maxSources: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: { readonly rate: number; readonly burst: number; readonly maxSources?: number }) {
    this.#rate = options.rate;
    this.#burst = options.burst;
    this.#maxSources = options.maxSources ?? 10_000;
  }

  /** Takes one token for `source`; false when it has none left. */
  allow(source: string, now: number): boolean {
    let bucket = this.#buckets.get(source);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxSources) this.#buckets.clear();
      bucket = { tokens: this.#burst, at: now };
      this.#buckets.set(source, bucket);
    }
    bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#rate);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

function ipv4Bits(ip: string): bigint | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    v = (v << 8n) | BigInt(p);
  }
  return v;
}

function ipv6Bits(ip: string): bigint | null {
  const text = ip.toLowerCase();
  if (!/^[0-9a-f:]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' || halves[0] === undefined ? [] : halves[0].split(':');
  const tail = halves.length === 2 && halves[1] !== '' && halves[1] !== undefined ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
    v = (v << 16n) | BigInt(`0x${g}`);
  }
  return v;
}

/** An address as a number and its width (32 or 128; IPv4-mapped IPv6 is read as IPv4). */
function bits(ip: string): { readonly value: bigint; readonly width: 32 | 128 } | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const v4 = ipv4Bits(mapped?.[1] ?? ip);
  if (v4 !== null) return { value: v4, width: 32 };
  const v6 = ipv6Bits(ip);
  return v6 === null ? null : { value: v6, width: 128 };
}

/** Whether `ip` is `entry` (an address) or inside it (a CIDR such as `203.0.113.0/24` or `2001:db8::/32`). */
export function ipMatches(ip: string, entry: string): boolean {
  const [net = '', lenText] = entry.split('/');
  const a = bits(ip);
  const b = bits(net);
  if (a === null || b === null || a.width !== b.width) return false;
  const len = lenText === undefined ? a.width : Number(lenText);
  if (!Number.isInteger(len) || len < 0 || len > a.width) return false;
  const shift = BigInt(a.width - len);
  return a.value >> shift === b.value >> shift;
}
