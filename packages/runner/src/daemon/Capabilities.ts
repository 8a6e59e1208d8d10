/**
 * What the daemon needs from the outside world, as one record (docs-ts style): the API (and the backup
 * hosts' APIs, per destination), a clock, a log and the planner. `RunCommand` binds the real ones; tests bind fakes and a `VirtualClock`.
 *
 * @since 0.1.0
 */
import type { Plan, PlanInput } from '@zfs-autobackup/core'
import type { Clock, ZfsApi } from '@zfs-autobackup/zfs-rpc'
import type { Metrics } from '../http/Metrics.js'
import type { Log } from '../log/Logger.js'
import type { DestinationApis } from './DestinationApis.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Capabilities {
  readonly api: ZfsApi
  readonly clock: Clock
  readonly log: Log
  readonly planner: (input: PlanInput) => Plan
  readonly metrics: Metrics
  /** The backup hosts' own APIs, per destination (absent: none has one, arrival is not verified). */
  readonly destinationApis?: DestinationApis
}
