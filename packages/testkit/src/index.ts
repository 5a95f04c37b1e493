export { ManualClock } from './manual-clock.ts';
export { makeTempDir } from './temp-dir.ts';
export { seededRandom } from './seeded-random.ts';
export { freePort } from './free-port.ts';
