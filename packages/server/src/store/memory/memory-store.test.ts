import { runStoreContract } from '../store.contract.ts';
import { createMemoryStore } from './memory-store.ts';

runStoreContract('memory', () => {
  const store = createMemoryStore();
  return Promise.resolve({ store, dispose: () => store.close() });
});
