/** Dialogs (RFC 3261 §12). */
export { Dialog, dialogKey, tagOf, type DialogInit, type DialogRole } from './dialog.ts';
