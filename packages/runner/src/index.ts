/**
 * @zfs-autobackup/runner: the daemon and CLI around the pure core. Public surface: the config decoder,
 * the logger, the command registry, and `simulatePolicy` (with its picture and report) for property-testing
 * a policy.
 *
 * @since 0.1.0
 */
export * as Cli from './cli/index.js'
export * as Config from './config/index.js'
export * from './log/index.js'
export * from './tools/simulate/index.js'
