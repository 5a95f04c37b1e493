/**
 * `@denwa/server`: embed Denwa in another Node program, or build its HTTP app for tests.
 * @packageDocumentation
 */
export { buildApp, type AppDeps } from './app.ts';
export { startDenwa, mintDevelopmentToken, type RunningDenwa, type StartOptions } from './main.ts';
export { loadConfig, parseCommandLine, type DenwaConfig } from './config/index.ts';
export { DENWA_VERSION } from './version.ts';
