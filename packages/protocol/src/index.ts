/**
 * `@denwa/protocol`: isomorphic types shared by the Denwa server and browser SDK. No Node or DOM APIs.
 * @packageDocumentation
 */
export * from './ids.ts';
export * from './call-status.ts';
export * from './errors/index.ts';
export * from './identity.ts';
export * from './signaling/index.ts';
