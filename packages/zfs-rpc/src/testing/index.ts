/**
 * @zfs-autobackup/zfs-rpc/testing: an in-memory simulator of the ZFS JSON-RPC API, for tests, the demo and
 * by hand (`runSimulatorCli`, the `zfs-api-simulator` bin). See docs/simulator.md.
 *
 * @since 0.1.0
 */
export type { AuthOptions } from './Auth.js'
export { type CostModel, defaultCostModel, type Load } from './Cost.js'
export type { RateLimit, Reply } from './Dispatcher.js'
export { type Fault, FaultInjector, type RandomFaults } from './Faults.js'
export type { RunningServer } from './HttpServer.js'
export {
  defaultMigrationOptions,
  type MigrationOptions,
  type Migrations,
  type PendingOnRestart,
  TASK_TTL_MS,
} from './Migrations.js'
export { mulberry32, type Prng } from './Prng.js'
export type { Counts, Mutation } from './Recorder.js'
export {
  type ApiOptions,
  type HostApi,
  type HttpRequest,
  makeSimulator,
  makeSimulatorPair,
  type Simulator,
  type SimulatorOptions,
  type SimulatorPairOptions,
} from './Simulator.js'
export { type CliOutput, runSimulatorCli, simulatorUsage } from './SimulatorCli.js'
export type { Task, TaskFault, TaskParams, TaskStatus, WireProgress, WireResult } from './Task.js'
export type { Snapshot, ZfsHost } from './ZfsHost.js'
export type { Receipt, Violation, ZfsModel } from './ZfsModel.js'
