/**
 * Config: decode `backup_config.yaml` into the core's policy and the runner's settings, report every
 * problem with its path and line, and decide what a changed file means for a running daemon.
 *
 * @since 0.1.0
 */
export type {
  ApiAuth,
  Config,
  LogFormat,
  LogLevel,
  LogSettings,
  MetricsSettings,
  PasswordSource,
  ZfsApiSettings,
} from './Config.js'
export { enabledDestinations } from './Config.js'
export type { ConfigErrors, ConfigWarning } from './ConfigError.js'
export * as ConfigError from './ConfigError.js'
export { type LoadOptions, loadConfig } from './ConfigSource.js'
export { type DecodeOptions, decodeConfig } from './Decode.js'
export { type ConfigDiff, decideReload, diffConfig, type ReloadOutcome } from './Diff.js'
export { MAX_RETENTION, TEN_YEARS_SECONDS } from './Schema.js'
export { DatasetName, datasetNameProblem, HostName, hostNameProblem } from './ValidatedNames.js'
