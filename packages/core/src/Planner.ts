/**
 * The one entry point of the core: plan the next cycle for one dataset.
 *
 * @since 0.1.0
 */
import type { DatasetObservation } from './Observation.js'
import type { Plan } from './Plan.js'
import type { DatasetPolicy, Policy } from './Policy.js'

export interface PlanInput {
  /** Epoch milliseconds; the core never reads a clock. */
  readonly now: number
  /** IANA zone for calendar boundaries, windows and sync hold timestamps, e.g. `Europe/Vienna`. */
  readonly zone: string
  readonly policy: Policy
  readonly dataset: DatasetPolicy
  readonly observed: DatasetObservation
}

/** STUB (being implemented): returns an empty plan. */
export const planDataset = (input: PlanInput): Plan => ({
  dataset: input.dataset.dataset,
  actions: [],
  decisions: [],
})
