/**
 * Configuration: flags and `DENWA_*` variables → {@link DenwaConfig}, `denwa help`, and the data dir
 * bootstrap (credentials, local CA, server certificate). The only module that reads the environment,
 * and only through the `env` its caller passes.
 */
export { ConfigError } from './config-error.ts';
export { OPTIONS, OPTION_LIST, optionLabel, type Command, type OptionCommand, type OptionName, type OptionSpec } from './flags.ts';
export {
  loadConfig,
  loadTokenOptions,
  parseArgs,
  parseCommandLine,
  type CommandLine,
  type CredentialsOverride,
  type DenwaConfig,
  type Env,
  type Flags,
  type ParsedArgs,
  type RecordingStorageConfig,
  type TlsFiles,
  type TokenOptions,
} from './load-config.ts';
export { LOG_LEVELS, type LogLevel, type PortRange } from './values.ts';
export { helpText } from './help.ts';
export { resolvePublicUrl } from './public-url.ts';
export { prepareDataDir, type DataDir, type DataDirDeps } from './data-dir.ts';
export type { Credentials } from './credentials.ts';
export type { TlsMaterial } from './tls-material.ts';
export { trustInstructions } from './trust-instructions.ts';
export { readTrunksFile, type TrunkFileEntry, type TrunkFileNumber } from './trunks-file.ts';
