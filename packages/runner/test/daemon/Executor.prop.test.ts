import type { Action } from '@zfs-autobackup/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Executor from '../../src/daemon/Executor.js'
import * as HoldsCache from '../../src/daemon/HoldsCache.js'
import * as MigrationMonitor from '../../src/daemon/MigrationMonitor.js'
import * as SyncFailures from '../../src/daemon/SyncFailures.js'
import { remote } from './FakeApi.js'
import { harness } from './Harness.js'

const D = 'tank/a'
const wire = {
  CreateSnapshot: 'snapshot_create',
  HoldSnapshot: 'snapshot_hold',
  ReleaseHold: 'snapshot_release',
  DestroySnapshot: 'snapshot_destroy',
  StartSync: 'migration_create',
} as const
const rank = {
  snapshot_create: 0,
  snapshot_hold: 1,
  snapshot_release: 2,
  snapshot_destroy: 3,
  migration_create: 4,
} as const
const BASE = 'autobackup-base@nas@b'

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.constant<Action>({
    _tag: 'CreateSnapshot',
    dataset: D,
    snapshot: 'new',
    type: 'frequent',
    recursive: false,
    reason: { _tag: 'FirstSnapshot' },
  }),
  fc.nat(9).map<Action>((i) => ({
    _tag: 'DestroySnapshot',
    dataset: D,
    snapshot: `s${i}`,
    reason: { _tag: 'BeyondRetention', type: 'frequent', rank: 5, count: 4 },
  })),
  fc.nat(9).map<Action>((i) => ({
    _tag: 'ReleaseHold',
    dataset: D,
    snapshot: `s${i}`,
    tag: 'sync_2026-01-01-00-00-00_nas',
    reason: { _tag: 'SupersededSyncHold', newer: 'x', newerOn: 'y' },
  })),
  fc.nat(9).map<Action>((i) => ({
    _tag: 'HoldSnapshot',
    dataset: D,
    snapshot: `s${i}`,
    tag: BASE,
    remoteHost: 'nas',
    remoteDataset: 'b',
    reason: { _tag: 'Sent' },
  })),
  fc.nat(9).map<Action>((i) => ({
    _tag: 'ReleaseHold',
    dataset: D,
    snapshot: `s${i}`,
    tag: BASE,
    reason: { _tag: 'BaseMoved', remoteHost: 'nas', remoteDataset: 'b', to: 's9' },
  })),
  fc.constant<Action>({
    _tag: 'StartSync',
    dataset: D,
    snapshot: 'new',
    remoteHost: 'nas',
    remoteDataset: 'b',
    reason: { _tag: 'NeverSynced' },
  }),
)

describe('Executor (properties)', () => {
  it('calls the API in create → hold → release → destroy → sync order, stops for good once asked, never acts after a failed create, and never releases a base tag whose new hold failed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(action, { maxLength: 12 }),
        fc.option(fc.nat(12), { nil: undefined }),
        fc.subarray([
          'snapshot_create',
          'snapshot_hold',
          'snapshot_destroy',
          'snapshot_release',
          'migration_create',
        ] as const),
        async (actions, stopAfter, failing) => {
          const h = harness({ [D]: Array.from({ length: 10 }, (_, i) => `s${i}`) })
          for (const m of failing)
            h.api.failing.set(m, { error: remote(m, -32099, 'injected'), sticky: true })
          const cache = HoldsCache.make()
          const failures = SyncFailures.make()
          const monitor = MigrationMonitor.make(h.caps, cache, failures, {
            ...MigrationMonitor.defaults,
            zone: () => 'UTC',
          })
          const executor = Executor.make(h.caps, cache, failures, monitor)
          let asked = 0
          const report = await executor.execute(
            { dataset: D, actions, decisions: [] },
            {
              inFlightKnown: true,
              stopRequested: () => stopAfter !== undefined && asked++ >= stopAfter,
            },
          )
          const calls = h.api.calls
          // order
          for (let i = 1; i < calls.length; i++)
            expect(rank[calls[i] as keyof typeof rank]).toBeGreaterThanOrEqual(
              rank[calls[i - 1] as keyof typeof rank],
            )
          // at most one call per action, none after a stop
          expect(calls.length).toBeLessThanOrEqual(actions.length)
          if (stopAfter !== undefined) expect(calls.length).toBeLessThanOrEqual(stopAfter)
          // a failed create is the last call
          const created = calls.indexOf('snapshot_create')
          if (created >= 0 && failing.includes('snapshot_create')) expect(calls.length).toBe(created + 1)
          // the report accounts for every action
          expect(report.done + report.failed + report.skipped + report.stopped).toBe(actions.length)
          // a failed base hold keeps the old base: no release of that tag follows (§15)
          if (failing.includes('snapshot_hold') && calls.includes('snapshot_hold')) {
            const syncReleases = actions.filter((a) => a._tag === 'ReleaseHold' && a.tag !== BASE).length
            expect(calls.filter((c) => c === 'snapshot_release').length).toBeLessThanOrEqual(syncReleases)
          }
          // calls match the actions' kinds (no invented calls)
          for (const c of calls) expect(actions.some((a) => wire[a._tag] === c)).toBe(true)
        },
      ),
      { numRuns: 300 },
    )
  })
})
