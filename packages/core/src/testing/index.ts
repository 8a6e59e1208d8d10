/**
 * `@zfs-autobackup/core/testing`: fast-check arbitraries for snapshot lists, hold sets, policies,
 * observations and whole plan inputs, plus `applyPlan` to carry a plan out in memory. Use them to
 * property-test your own policy (see docs/core-testing.md).
 *
 * @since 0.1.0
 */
export { applyPlan } from '../ApplyPlan.js'
export * from './Arbitraries.js'
