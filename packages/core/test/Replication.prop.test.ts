import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as BaseTag from '../src/BaseTag.js'
import { type PlanInput, planDataset } from '../src/index.js'
import * as Replication from '../src/Replication.js'
import * as SnapshotName from '../src/SnapshotName.js'
import * as SyncHold from '../src/SyncHold.js'
import { applyPlan, planInputArb } from '../src/testing/index.js'
import { runs } from './runs.js'

// Oracles from decisions §15 with list positions, not `Replication`'s readers (sync tags: their own parser).
const syncHost = (tag: string): string | undefined => SyncHold.parseTag(tag)?.host

type Dest = PlanInput['dataset']['destinations'][number]

const holdsOf = (o: PlanInput['observed']) => (o.holds._tag === 'Known' ? o.holds.bySnapshot : undefined)

/** Names carrying `d`'s base tag in `o`, in list order. */
const bases = (o: PlanInput['observed'], d: Dest): ReadonlyArray<string> =>
  o.snapshots.filter((s) => holdsOf(o)?.get(s)?.includes(BaseTag.of(d)) === true)

const hostBase = (o: PlanInput['observed'], host: string): string | undefined =>
  [...o.snapshots].reverse().find(
    (s) =>
      holdsOf(o)
        ?.get(s)
        ?.some((t) => syncHost(t) === host) === true,
  )

const known = planInputArb({ maxLength: 30 }).filter(
  (i) => i.observed.holds._tag === 'Known' && i.dataset.destinations.length > 0,
)

describe('replication bases (decisions §15)', () => {
  it('never destroys a snapshot that is some destination’s base, observed or placed by this plan', () => {
    let sawBase = 0
    fc.assert(
      fc.property(known, (i) => {
        const p = planDataset(i)
        const destroyed = new Set(
          p.actions.flatMap((a) => (a._tag === 'DestroySnapshot' ? [a.snapshot] : [])),
        )
        const placed = p.actions.flatMap((a) => (a._tag === 'HoldSnapshot' ? [a.snapshot] : []))
        const anyBase = i.observed.snapshots.filter((s) =>
          (holdsOf(i.observed)?.get(s) ?? []).some(BaseTag.isBaseTag),
        )
        for (const s of [...placed, ...anyBase]) expect(destroyed.has(s)).toBe(false)
        if (anyBase.length > 0) sawBase++
      }),
      runs(400),
    )
    expect(sawBase).toBeGreaterThan(0)
  })

  it('a base moves only forward and only on evidence; without evidence that applies it is only seeded from the sync hold', () => {
    let moved = 0
    fc.assert(
      fc.property(known, (i) => {
        const after = applyPlan(i.observed, planDataset(i))
        const pos = (s: string | undefined) => (s === undefined ? -1 : i.observed.snapshots.indexOf(s))
        for (const d of i.dataset.destinations) {
          const before = bases(i.observed, d)
          const now = bases(after, d)
          const newestBefore = before.at(-1)
          const newestNow = now.at(-1)
          const ev = (i.observed.evidence ?? []).find(
            (e) => e.remoteHost === d.remoteHost && e.remoteDataset === d.remoteDataset,
          )
          // Never left without a base it had, never moved backwards.
          if (newestBefore !== undefined) {
            expect(newestNow).toBeDefined()
            expect(pos(newestNow)).toBeGreaterThanOrEqual(pos(newestBefore))
          }
          if (newestNow === newestBefore) continue
          moved++
          if (newestBefore === undefined && (ev === undefined || pos(ev.snapshot) < 0)) {
            // Seeded where the host's sync hold is (an upgrade), nowhere else; evidence about a snapshot no
            // longer listed is no evidence.
            expect(newestNow).toBe(hostBase(i.observed, d.remoteHost))
            expect(now).toEqual([newestNow])
          } else {
            expect(newestNow).toBe(ev?.snapshot)
            // Arrived keeps only the arrived one. Sent keeps the previous base too (the last two sent), and
            // older bases only while named within the unverified window.
            if (ev?._tag === 'Arrived') expect(now).toEqual([ev.snapshot])
            else {
              expect(now.slice(-2)).toEqual(
                newestBefore === undefined ? [newestNow] : [newestBefore, newestNow],
              )
              const since = i.now - Replication.unverifiedKeepMs(i.policy.remoteSync.intervalSeconds)
              for (const s of now.slice(0, -2)) {
                expect(before).toContain(s)
                const at = SnapshotName.parseOrUndefined(s)?.at ?? Number.NEGATIVE_INFINITY
                expect(at).toBeGreaterThanOrEqual(since)
                expect(at).toBeLessThanOrEqual(i.now + i.policy.backupIntervalSeconds * 1000)
              }
            }
          }
        }
      }),
      runs(400),
    )
    expect(moved).toBeGreaterThan(0)
  })

  it('two destinations on one host keep separate bases: one’s evidence never touches the other’s holds', () => {
    const sharedHost = known.filter((i) =>
      i.dataset.destinations.some((d, k) =>
        i.dataset.destinations.some((e, l) => l !== k && e.remoteHost === d.remoteHost),
      ),
    )
    const baseActions = (p: ReturnType<typeof planDataset>, tag: string) =>
      p.actions.filter((a) => (a._tag === 'HoldSnapshot' || a._tag === 'ReleaseHold') && a.tag === tag)
    fc.assert(
      fc.property(sharedHost, (i) => {
        for (const d of i.dataset.destinations) {
          const others = (i.observed.evidence ?? []).filter(
            (e) => e.remoteHost === d.remoteHost && e.remoteDataset === d.remoteDataset,
          )
          const alone = planDataset({ ...i, observed: { ...i.observed, evidence: others } })
          expect(baseActions(planDataset(i), BaseTag.of(d))).toEqual(baseActions(alone, BaseTag.of(d)))
        }
      }),
      runs(300),
    )
  })

  it('releases a base tag only while the base it moved to stays held or is held by the same plan first', () => {
    fc.assert(
      fc.property(known, (i) => {
        const p = planDataset(i)
        p.actions.forEach((a, k) => {
          if (a._tag !== 'ReleaseHold' || a.reason._tag !== 'BaseMoved') return
          const to = a.reason.to
          const heldBefore = holdsOf(i.observed)?.get(to)?.includes(a.tag) === true
          const heldEarlier = p.actions
            .slice(0, k)
            .some((h) => h._tag === 'HoldSnapshot' && h.tag === a.tag && h.snapshot === to)
          expect(heldBefore || heldEarlier).toBe(true)
        })
      }),
      runs(400),
    )
  })
  it('without a destination API, receives failing for up to the unverified window (out of space) never cost the destination its newest snapshot', () => {
    let streaks = 0
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 30 }),
        (arrives, intervalHours) => {
          const interval = intervalHours * 3_600_000
          const window = Replication.unverifiedKeepMs(intervalHours * 3600)
          const d = { remoteHost: 'nas', remoteDataset: 'backup/a', enabled: true }
          const t0 = Date.UTC(2026, 0, 1)
          const snapshots = arrives.map((_, k) => SnapshotName.format('hourly', t0 + (k + 1) * interval))
          const heldByIndex = new Map<number, string[]>([[0, [BaseTag.of(d)]]]) // the first one arrived
          let newestThere = 0 // what the destination really has as its newest
          let failingSince: number | undefined
          for (let k = 1; k < arrives.length; k++) {
            const now = t0 + (k + 1) * interval + 60_000
            // The migration sent snapshot k; the API reports it completed either way (Sent evidence).
            if (arrives[k]) {
              newestThere = k
              failingSince = undefined
            } else failingSince ??= now
            const p = Replication.plan({
              dataset: 'tank/a',
              now,
              futureMs: 600_000,
              snapshots,
              heldByIndex,
              hosts: new Map(),
              destinations: [d],
              evidence: [{ _tag: 'Sent', ...d, snapshot: snapshots[k]! }],
              unverifiedKeepMs: window,
            })
            for (const h of p.holds) heldByIndex.set(snapshots.indexOf(h.snapshot), [h.tag])
            for (const r of p.releases) heldByIndex.delete(snapshots.indexOf(r.snapshot))
            // While the receives have failed for no longer than the window, the destination's newest is held
            // (retention never destroys a held base), so the next successful receive heals it.
            const within = failingSince === undefined || now - failingSince < window - interval
            if (within) expect(heldByIndex.has(newestThere)).toBe(true)
            if (failingSince !== undefined && k - newestThere >= 3) streaks++
          }
        },
      ),
      runs(300),
    )
    expect(streaks).toBeGreaterThan(0)
  })
})
