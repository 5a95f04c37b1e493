/** RFC 3261 §17 transactions with the RFC 6026 states, on an injected clock and transport. */
export { ClientTransaction, ackForFailure, type ClientTransactionOptions, type ClientTransactionState, type ClientTransactionUser } from './client-transaction.ts';
export { ServerTransaction, responseTo, type ServerTransactionOptions, type ServerTransactionState, type ServerTransactionUser } from './server-transaction.ts';
export { DEFAULT_SIP_TIMERS, type SipTimers, type TransactionTransport } from './timers.ts';
export { TransactionLayer, type TransactionLayerOptions, type TransactionLayerStats, type TransactionLayerUser } from './transaction-layer.ts';
