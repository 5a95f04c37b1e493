/**
 * `@peculiar/x509`, loaded after the `Reflect` metadata polyfill its dependency injection needs and bound to Node's WebCrypto (`globalThis.crypto`).
 * Import the library from here, never directly.
 *
 * @internal
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

export { x509 };
