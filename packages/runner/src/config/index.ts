/**
 * Config: decode `backup_config.yaml` into the core's policy and the runner's settings, report every
 * problem with its path and line, and classify changes for hot reload.
 *
 * @since 0.1.0
 */
export * from './Config.js'
export type { ConfigErrors, ConfigWarning } from './ConfigError.js'
export * as ConfigError from './ConfigError.js'
export * from './ConfigSource.js'
export * from './Decode.js'
export * from './Diff.js'
export { MAX_RETENTION, TEN_YEARS_SECONDS } from './Schema.js'
export { DatasetName, datasetNameProblem, HostName, hostNameProblem } from './ValidatedNames.js'
