import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Plan, type PlanInput, planDataset } from '../src/index.js'
import * as SnapshotName from '../src/SnapshotName.js'
import * as SyncHold from '../src/SyncHold.js'
import { planInputArb, snapshotTypeArb } from '../src/testing/index.js'
import { runs } from './runs.js'

const created = (p: Plan) => p.actions.find((a) => a._tag === 'CreateSnapshot')
/** Sync decisions without the name sent: that is the newest listed (§12), which may be a future one. */
const syncs = (p: Plan) =>
  [...p.actions, ...p.decisions].flatMap((x) =>
    x._tag === 'StartSync' || x._tag === 'NoSync'
      ? [{ ...x, ...(x._tag === 'StartSync' ? { snapshot: '' } : {}) }]
      : [],
  )

/** Seconds beyond backup_interval, from one second to ten years. */
const beyondArb = fc.oneof(fc.integer({ min: 1, max: 3600 }), fc.integer({ min: 1, max: 10 * 365 * 86_400 }))

/** A plan input with names from the future added: snapshots of ours anywhere in the list, sync tags on any. */
const withFuture = fc
  .tuple(
    planInputArb(),
    fc.array(fc.tuple(snapshotTypeArb, beyondArb, fc.nat()), { maxLength: 3 }),
    fc.array(fc.tuple(fc.constantFrom('10.0.0.5', 'backup_b', 'h', 'backup'), beyondArb, fc.nat()), {
      maxLength: 3,
    }),
  )
  .map(([i, names, tags]) => {
    const limit = i.now + i.policy.backupIntervalSeconds * 1000
    const snapshots = [...i.observed.snapshots]
    // Into a list that has a snapshot already: with none, one would give a sync something to send.
    for (const [type, beyond, pos] of snapshots.length === 0 ? [] : names) {
      const name = SnapshotName.format(type, limit + 60_000 + beyond * 1000)
      if (!snapshots.includes(name)) snapshots.splice(pos % (snapshots.length + 1), 0, name)
    }
    const holds =
      i.observed.holds._tag === 'Unknown' || i.observed.snapshots.length === 0
        ? i.observed.holds
        : (() => {
            const bySnapshot = new Map(i.observed.holds.bySnapshot)
            // A sync tag also marks the snapshot it sits on as sent, which may seed a destination's base
            // (§15, an upgrade from sync holds): so future tags go only at or before the host's current
            // sync base, where they cannot move it; the property is about their time, not their place.
            const lastIndex = new Map<string, number>()
            i.observed.snapshots.forEach((s, index) => {
              for (const t of i.observed.holds._tag === 'Known'
                ? (i.observed.holds.bySnapshot.get(s) ?? [])
                : []) {
                const host = SyncHold.parseTag(t)?.host
                if (host !== undefined) lastIndex.set(host, index)
              }
            })
            // Stamped in UTC civil time a day beyond the limit: beyond it in every zone.
            for (const [host, beyond, pos] of tags) {
              const last = lastIndex.get(host)
              if (last === undefined) continue
              const on = i.observed.snapshots[pos % (last + 1)]!
              const tag = SyncHold.formatTag(limit + 86_400_000 + beyond * 1000, host)
              bySnapshot.set(on, [...(bySnapshot.get(on) ?? []), tag])
            }
            return { _tag: 'Known' as const, bySnapshot }
          })()
    const future: PlanInput = { ...i, observed: { ...i.observed, snapshots, holds } }
    return { plain: i, future }
  })

describe('names from the future never change what is due (core-decisions.md §3, §7 as amended)', () => {
  it('the same snapshot is created (or not) and the same sync decisions are taken as without them', () => {
    fc.assert(
      fc.property(withFuture, ({ plain, future }) => {
        const a = planDataset(plain)
        const b = planDataset(future)
        expect(created(b)).toEqual(created(a))
        expect(syncs(b)).toEqual(syncs(a))
        // Each snapshot from the future is reported.
        const reported = b.decisions.filter((d) => d._tag === 'FromTheFuture').length
        expect(reported).toBeGreaterThanOrEqual(
          future.observed.snapshots.length - plain.observed.snapshots.length,
        )
      }),
      runs(300),
    )
  })
})
