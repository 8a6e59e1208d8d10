/**
 * The host's plan carried out by phase (`Executor.executeAll`, issue 12 item 3): one `mutate` batch per
 * phase for all datasets, and each dataset's outcome exactly as if its plan had been carried out alone —
 * a failed or unconfirmed create, an unanswered destroy, a failed base hold affect only their own dataset.
 */
import type { Action, Plan } from '@zfs-autobackup/core'
import type { Mutation, RpcError, ZfsApi } from '@zfs-autobackup/zfs-rpc'
import { mutateOne } from '@zfs-autobackup/zfs-rpc'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as Executor from '../../src/daemon/Executor.js'
import * as HoldsCache from '../../src/daemon/HoldsCache.js'
import * as MigrationMonitor from '../../src/daemon/MigrationMonitor.js'
import * as SyncFailures from '../../src/daemon/SyncFailures.js'
import { remote } from './FakeApi.js'
import { harness } from './Harness.js'

const BASE = 'autobackup-base@nas@b'
const SYNC_TAG = 'sync_2026-01-01-00-00-00_nas'

/** One dataset's plan as the planner makes it: at most one create, then holds, releases, destroys, syncs. */
const planOf = (d: string): fc.Arbitrary<ReadonlyArray<Action>> =>
  fc
    .record({
      create: fc.boolean(),
      holds: fc.subarray([3, 4]),
      releases: fc.subarray([
        { snapshot: 's1', tag: BASE },
        { snapshot: 's2', tag: SYNC_TAG },
      ]),
      destroys: fc.subarray([5, 6, 7]),
      sync: fc.boolean(),
    })
    .map(({ create, holds, releases, destroys, sync }) => [
      ...(create
        ? [
            {
              _tag: 'CreateSnapshot',
              dataset: d,
              snapshot: 'new',
              type: 'frequent',
              recursive: false,
              reason: { _tag: 'FirstSnapshot' },
            } as const,
          ]
        : []),
      ...holds.map(
        (i) =>
          ({
            _tag: 'HoldSnapshot',
            dataset: d,
            snapshot: `s${i}`,
            tag: BASE,
            remoteHost: 'nas',
            remoteDataset: 'b',
            reason: { _tag: 'Sent' },
          }) as const,
      ),
      ...releases.map(
        (r) =>
          ({
            _tag: 'ReleaseHold',
            dataset: d,
            snapshot: r.snapshot,
            tag: r.tag,
            reason: { _tag: 'SupersededSyncHold', newer: 'x', newerOn: 'y' },
          }) as const,
      ),
      ...destroys.map(
        (i) =>
          ({
            _tag: 'DestroySnapshot',
            dataset: d,
            snapshot: `s${i}`,
            reason: { _tag: 'BeyondRetention', type: 'frequent', rank: 5, count: 4 },
          }) as const,
      ),
      ...(sync
        ? [
            {
              _tag: 'StartSync',
              dataset: d,
              snapshot: 'new',
              remoteHost: 'nas',
              remoteDataset: `b/${d}`,
              reason: { _tag: 'NeverSynced' },
            } as const,
          ]
        : []),
    ])

type Fault = 'none' | 'error' | 'unanswered' | 'refused'
type Kind = Mutation['_tag']
const KINDS: ReadonlyArray<Kind> = [
  'SnapshotCreate',
  'SnapshotHold',
  'SnapshotRelease',
  'SnapshotDestroy',
  'MigrationCreate',
]
const WIRE: Record<Kind, string> = {
  SnapshotCreate: 'snapshot_create',
  SnapshotHold: 'snapshot_hold',
  SnapshotRelease: 'snapshot_release',
  SnapshotDestroy: 'snapshot_destroy',
  MigrationCreate: 'migration_create',
}
const datasetOf = (m: Mutation) =>
  m._tag === 'MigrationCreate' ? m.request.source.split('@')[0]! : m.dataset

const errorFor = (m: Mutation, f: Exclude<Fault, 'none'>): RpcError => {
  const method = WIRE[m._tag]
  if (f === 'unanswered') return { _tag: 'Transport', method, message: 'timed out', timedOut: true }
  // zfs's refusal (dependent clones): definite for a destroy, a plain failure for the others
  if (f === 'refused')
    return remote(method, -32026, 'Failed to destroy snapshot: cannot destroy: snapshot has dependent clones')
  return remote(method, -32099, 'injected')
}

/**
 * The daemon's wiring over a fake API whose `mutate` answers each item by its dataset's injected fault for
 * that kind (else through the fake's single method), and records each batch.
 */
const setup = (
  datasets: ReadonlyArray<string>,
  faults: ReadonlyMap<string, Readonly<Record<Kind, Fault>>>,
) => {
  const h = harness(
    Object.fromEntries(datasets.map((d) => [d, Array.from({ length: 8 }, (_, i) => `s${i}`)])),
  )
  const batches: Mutation[][] = []
  const perDataset = new Map<string, string[]>()
  const api: ZfsApi = {
    ...h.api,
    mutate: (ms) => async () => {
      batches.push([...ms])
      const out = []
      for (const m of ms) {
        const d = datasetOf(m)
        perDataset.set(d, [...(perDataset.get(d) ?? []), `${m._tag} ${JSON.stringify(m)}`])
        const f = faults.get(d)?.[m._tag] ?? 'none'
        out.push(f === 'none' ? await mutateOne(h.api, m)() : E.left(errorFor(m, f)))
      }
      return out
    },
  }
  const caps = { ...h.caps, api }
  const cache = HoldsCache.make()
  for (const d of datasets) {
    cache.toRead(d, h.api.snapshots.get(d)!, 0)
    cache.store(d, new Map(h.api.snapshots.get(d)!.map((s) => [s, []])), cache.generation(d))
  }
  const failures = SyncFailures.make()
  const monitor = MigrationMonitor.make(caps, cache, failures, {
    ...MigrationMonitor.defaults,
    zone: () => 'UTC',
  })
  const executor = Executor.make(caps, cache, failures, monitor)
  const ctx = { inFlightKnown: true, stopRequested: () => false }
  return { executor, ctx, batches, perDataset, log: h.log }
}

const fault = fc.constantFrom<Fault>('none', 'none', 'error', 'unanswered', 'refused')
const faultsOf = fc.record(
  Object.fromEntries(KINDS.map((k) => [k, fault])) as Record<Kind, fc.Arbitrary<Fault>>,
)

describe('Executor.executeAll (properties)', () => {
  it('one batch per phase, and each dataset gets exactly the calls and report it gets when carried out alone', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 6 }).chain((n) => {
          const ds = Array.from({ length: n }, (_, i) => `tank/d${i}`)
          return fc.tuple(fc.constant(ds), fc.tuple(...ds.map(planOf)), fc.tuple(...ds.map(() => faultsOf)))
        }),
        async ([datasets, actions, faultList]) => {
          const faults = new Map(datasets.map((d, i) => [d, faultList[i]!]))
          const plans: Plan[] = datasets.map((d, i) => ({
            dataset: d,
            actions: [...actions[i]!],
            decisions: [],
          }))
          const all = setup(datasets, faults)
          const reports = await all.executor.executeAll(plans.map((plan) => ({ plan, ctx: all.ctx })))
          // Phases: each batch holds one kind, in the order create → hold → release → destroy → sync, so at
          // most five batches (one round trip each within the client's cap) for any number of datasets.
          const kinds = all.batches.map((b) => new Set(b.map((m) => m._tag)))
          for (const k of kinds) expect(k.size).toBe(1)
          const order = kinds.map((k) => KINDS.indexOf([...k][0]!))
          expect(order).toEqual([...order].sort((a, b) => a - b))
          expect(all.batches.length).toBeLessThanOrEqual(5)
          // Isolation: alone, with the same faults, each dataset makes the same calls and the same report.
          for (const [i, plan] of plans.entries()) {
            const alone = setup([plan.dataset], faults)
            const report = await alone.executor.execute(plan, alone.ctx)
            expect(reports[i]).toEqual(report)
            expect(all.perDataset.get(plan.dataset) ?? []).toEqual(alone.perDataset.get(plan.dataset) ?? [])
          }
        },
      ),
      { numRuns: 200 },
    )
  })

  it("plans that join once the creates are over (a tree's descendants) share the remaining phases, each as if alone", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).chain((n) => {
          const ds = Array.from({ length: n }, (_, i) => `tank/d${i}`)
          // Joined plans as TreeMember makes them: destroys only.
          const later = ds.map((d) => `${d}/child`)
          return fc.tuple(
            fc.constant(ds),
            fc.constant(later),
            fc.tuple(...ds.map(planOf)),
            fc.tuple(
              ...later.map((d) => planOf(d).map((as) => as.filter((a) => a._tag === 'DestroySnapshot'))),
            ),
            fc.tuple(...[...ds, ...later].map(() => faultsOf)),
          )
        }),
        async ([datasets, later, actions, laterActions, faultList]) => {
          const faults = new Map([...datasets, ...later].map((d, i) => [d, faultList[i]!]))
          const planOfAll = (d: string, as: ReadonlyArray<Action>): Plan => ({
            dataset: d,
            actions: [...as],
            decisions: [],
          })
          const plans = datasets.map((d, i) => planOfAll(d, actions[i]!))
          const joinedPlans = later.map((d, i) => planOfAll(d, laterActions[i]!))
          const all = setup([...datasets, ...later], faults)
          const seen: Array<ReadonlyArray<Executor.Report>> = []
          const reports = await all.executor.executeAll(
            plans.map((plan) => ({ plan, ctx: all.ctx })),
            (sofar) => {
              seen.push(sofar)
              // Called when the creates are over: every batch so far is a create batch.
              for (const b of all.batches) expect(b.every((m) => m._tag === 'SnapshotCreate')).toBe(true)
              return joinedPlans.map((plan) => ({ plan, ctx: all.ctx }))
            },
          )
          expect(seen).toHaveLength(1)
          expect(reports).toHaveLength(plans.length + joinedPlans.length)
          // The reports the joining plans were made with name the creates the final reports name.
          expect(seen[0]!.map((r) => r.created)).toEqual(reports.slice(0, plans.length).map((r) => r.created))
          // Still one batch per phase in order: the joined destroys ride in the roots' destroy batch.
          const kinds = all.batches.map((b) => new Set(b.map((m) => m._tag)))
          for (const k of kinds) expect(k.size).toBe(1)
          const order = kinds.map((k) => KINDS.indexOf([...k][0]!))
          expect(order).toEqual([...order].sort((a, b) => a - b))
          expect(new Set(order).size).toBe(order.length)
          for (const [i, plan] of [...plans, ...joinedPlans].entries()) {
            const alone = setup([plan.dataset], faults)
            const report = await alone.executor.execute(plan, alone.ctx)
            expect(reports[i]).toEqual(report)
            expect(all.perDataset.get(plan.dataset) ?? []).toEqual(alone.perDataset.get(plan.dataset) ?? [])
          }
        },
      ),
      { numRuns: 150 },
    )
  })

  it('a failed create or an unanswered destroy on one dataset leaves the others whole', async () => {
    const datasets = ['tank/a', 'tank/b', 'tank/c']
    const none: Record<Kind, Fault> = {
      SnapshotCreate: 'none',
      SnapshotHold: 'none',
      SnapshotRelease: 'none',
      SnapshotDestroy: 'none',
      MigrationCreate: 'none',
    }
    const faults = new Map([
      ['tank/a', { ...none, SnapshotCreate: 'unanswered' as const }],
      ['tank/b', { ...none, SnapshotDestroy: 'unanswered' as const }],
    ])
    const t = setup(datasets, faults)
    const full = (d: string): Plan => ({
      dataset: d,
      decisions: [],
      actions: [
        {
          _tag: 'CreateSnapshot',
          dataset: d,
          snapshot: 'new',
          type: 'frequent',
          recursive: false,
          reason: { _tag: 'FirstSnapshot' },
        },
        {
          _tag: 'DestroySnapshot',
          dataset: d,
          snapshot: 's1',
          reason: { _tag: 'BeyondRetention', type: 'frequent', rank: 5, count: 4 },
        },
        {
          _tag: 'StartSync',
          dataset: d,
          snapshot: 'new',
          remoteHost: 'nas',
          remoteDataset: `b/${d}`,
          reason: { _tag: 'NeverSynced' },
        },
      ],
    })
    const [a, b, c] = await t.executor.executeAll(datasets.map((d) => ({ plan: full(d), ctx: t.ctx })))
    // Three batches: the creates, the destroys of b and c (a's plan ended at its create), c's sync.
    expect(t.batches.map((x) => x.map((m) => `${m._tag} ${datasetOf(m)}`))).toEqual([
      ['SnapshotCreate tank/a', 'SnapshotCreate tank/b', 'SnapshotCreate tank/c'],
      ['SnapshotDestroy tank/b', 'SnapshotDestroy tank/c'],
      ['MigrationCreate tank/c'],
    ])
    expect(a).toEqual({ done: 0, failed: 1, skipped: 2, stopped: 0 })
    expect(b).toEqual({ done: 1, failed: 1, skipped: 1, stopped: 0, created: 'new' })
    expect(c).toEqual({ done: 3, failed: 0, skipped: 0, stopped: 0, created: 'new' })
    expect(t.log.text('warn')).toContain(
      'sync postponed: a destroy of this cycle got no answer and may still run on the API host',
    )
  })
})
