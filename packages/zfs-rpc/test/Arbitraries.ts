/** fast-check arbitraries for the domain values the codecs carry (JSON-safe: no NaN, ±Infinity or -0). */
import fc from 'fast-check'
import type {
  Health,
  MigrationParams,
  MigrationProgress,
  MigrationResult,
  MigrationStatus,
  MigrationTask,
} from '../src/ZfsApi.js'

export const num: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
)

export const names: fc.Arbitrary<ReadonlyArray<string>> = fc.array(fc.string(), { maxLength: 20 })

export const status: fc.Arbitrary<MigrationStatus> = fc.constantFrom(
  'pending',
  'running',
  'completed',
  'failed',
  'cancelled',
)

export const progress: fc.Arbitrary<MigrationProgress> = fc.record({
  timestamp: fc.string(),
  bytesTransferred: num,
  bytesTotal: fc.option(num, { nil: null }),
  percentage: num,
  rateMiBps: num,
  etaSeconds: num,
  elapsedSeconds: num,
})

export const result: fc.Arbitrary<MigrationResult> = fc.record({
  returnCode: fc.integer(),
  elapsedSeconds: num,
  cancelled: fc.boolean(),
})

export const params: fc.Arbitrary<MigrationParams> = fc.record(
  {
    source: fc.string(),
    destination: fc.string(),
    remote: fc.string(),
    recursive: fc.boolean(),
    sync: fc.boolean(),
    limit: num,
    compression: fc.string(),
  },
  { requiredKeys: ['source', 'destination', 'recursive', 'sync'] },
)

const stamp = fc.option(fc.string(), { nil: null })

export const task: fc.Arbitrary<MigrationTask> = fc.record({
  id: fc.string(),
  status,
  createdAt: stamp,
  startedAt: stamp,
  completedAt: stamp,
  error: stamp,
  result: fc.option(result, { nil: null }),
  progress: fc.option(progress, { nil: null }),
  params,
})

export const health: fc.Arbitrary<Health> = fc.record({
  status: fc.string(),
  pools: fc.nat(),
  timestamp: fc.string(),
})
