import { randomBytes } from 'node:crypto';
import { sidFromHex, type SidKind, type SidTypes } from '@denwa/protocol';

/** Creates Sids and secrets. Injected so tests can make them predictable. */
export interface IdGenerator {
  sid<K extends SidKind>(kind: K): SidTypes[K];
  /** A random secret of 32 lowercase hex characters (128 bits), like Twilio's auth tokens and key secrets. */
  secret(): string;
}

/** Sids and secrets from the operating system's CSPRNG. */
export class RandomIdGenerator implements IdGenerator {
  sid<K extends SidKind>(kind: K): SidTypes[K] {
    return sidFromHex(kind, randomBytes(16).toString('hex'));
  }

  secret(): string {
    return randomBytes(16).toString('hex');
  }
}
