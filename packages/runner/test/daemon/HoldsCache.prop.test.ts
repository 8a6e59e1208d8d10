import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as HoldsCache from '../../src/daemon/HoldsCache.js'

/**
 * Model: the API's true holds change only in the ways core-decisions.md §14 lists, each followed by the
 * invalidation the daemon performs, and any item of a read may fail. Then after every read the cache
 * either answers exactly the truth or does not answer (never a partial or stale picture), and a read in
 * which nothing failed always answers.
 */
type Op =
  | { readonly _tag: 'Create'; readonly ours: boolean; readonly tags: ReadonlyArray<string> }
  | { readonly _tag: 'Destroy'; readonly index: number }
  | { readonly _tag: 'Release'; readonly index: number }
  | { readonly _tag: 'MigrationEnded'; readonly index: number; readonly tag: string }
  | { readonly _tag: 'ForeignHoldThenBusy'; readonly index: number; readonly tag: string }
  | { readonly _tag: 'Wait'; readonly ms: number }
  /** A migration ends (moving sync holds) while a full re-read is in flight; the read lands afterwards. */
  | { readonly _tag: 'ReadRacesMigration'; readonly index: number; readonly tag: string }

const tag = fc.constantFrom('sync_2026-01-01-00-00-00_h1', 'sync_2026-02-01-00-00-00_h1', 'keep', 'x')
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    _tag: fc.constant('Create' as const),
    ours: fc.boolean(),
    tags: fc.array(tag, { maxLength: 2 }),
  }),
  fc.record({ _tag: fc.constant('Destroy' as const), index: fc.nat() }),
  fc.record({ _tag: fc.constant('Release' as const), index: fc.nat() }),
  fc.record({ _tag: fc.constant('MigrationEnded' as const), index: fc.nat(), tag }),
  fc.record({ _tag: fc.constant('ForeignHoldThenBusy' as const), index: fc.nat(), tag }),
  fc.record({ _tag: fc.constant('Wait' as const), ms: fc.integer({ min: 0, max: 7_200_000 }) }),
  fc.record({ _tag: fc.constant('ReadRacesMigration' as const), index: fc.nat(), tag }),
)

describe('HoldsCache (model)', () => {
  it('agrees with the true holds after each read when every change is followed by its invalidation', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.integer(), (ops, seed) => {
        const c = HoldsCache.make(3_600_000)
        const truth = new Map<string, string[]>()
        const order: string[] = []
        let now = 0
        let n = 0
        let rnd = seed >>> 0
        /** About one item in three fails. */
        const fails = () => {
          rnd = (Math.imul(rnd, 1664525) + 1013904223) >>> 0
          return rnd % 3 === 0
        }
        const expected = () => new Map([...truth].filter(([, t]) => t.length > 0))
        const readOnce = (faulty: boolean) => {
          const toRead = c.toRead('ds', order, now)
          const generation = c.generation('ds')
          // Sometimes the whole round trip fails, else about a third of the items.
          if (faulty && toRead.length > 0 && fails() && fails()) c.readFailed('ds')
          else {
            const ok = toRead.filter(() => !(faulty && fails()))
            c.store('ds', new Map(ok.map((s) => [s, [...(truth.get(s) ?? [])]])), generation)
          }
          const got = c.holdsOf('ds', order)
          if (got !== undefined) expect(got).toEqual(expected())
          return got
        }
        const read = () => {
          readOnce(true)
          // Reads in which nothing fails complete the picture within a few cycles (the read limit a
          // failed round trip halved doubles back: 1, 2, 4, … snapshots).
          let got: ReturnType<typeof readOnce>
          for (let i = 0; i < 8 && got === undefined; i++) got = readOnce(false)
          expect(got).toEqual(expected())
        }
        const migrationEnded = (s: string, t: string) => {
          for (const [k, v] of truth)
            truth.set(
              k,
              v.filter((x) => !x.startsWith('sync_')),
            )
          truth.set(s, [...new Set([...truth.get(s)!, t])])
          c.invalidateDataset('ds')
        }
        read()
        for (const o of ops) {
          const pick = (i: number) => order[i % Math.max(1, order.length)]
          switch (o._tag) {
            case 'Create': {
              const s = `s${n++}`
              order.push(s)
              if (o.ours) {
                truth.set(s, [])
                c.seedEmpty('ds', s)
              } else truth.set(s, [...new Set(o.tags)])
              break
            }
            case 'Destroy': {
              const s = pick(o.index)
              if (s === undefined || (truth.get(s) ?? []).length > 0) break
              order.splice(order.indexOf(s), 1)
              truth.delete(s)
              c.forget('ds', s)
              break
            }
            case 'Release': {
              const s = pick(o.index)
              const t = s === undefined ? undefined : truth.get(s)?.[0]
              if (s === undefined || t === undefined) break
              truth.set(
                s,
                truth.get(s)!.filter((x) => x !== t),
              )
              c.tagReleased('ds', s, t)
              break
            }
            case 'MigrationEnded': {
              const s = pick(o.index)
              if (s === undefined) break
              migrationEnded(s, o.tag)
              break
            }
            case 'ReadRacesMigration': {
              const s = pick(o.index)
              if (s === undefined) break
              c.invalidateDataset('ds') // an earlier migration ended: the whole dataset is being re-read
              const toRead = c.toRead('ds', order, now)
              const generation = c.generation('ds')
              const before = new Map(toRead.map((x) => [x, [...(truth.get(x) ?? [])]]))
              migrationEnded(s, o.tag)
              c.store('ds', before, generation)
              const got = c.holdsOf('ds', order)
              if (got !== undefined) expect(got).toEqual(expected())
              break
            }
            case 'ForeignHoldThenBusy': {
              const s = pick(o.index)
              if (s === undefined) break
              truth.set(s, [...new Set([...truth.get(s)!, o.tag])])
              c.invalidateSnapshot('ds', s)
              break
            }
            case 'Wait':
              now += o.ms
              break
          }
          read()
        }
      }),
      { numRuns: 300 },
    )
  })
})

/**
 * The periodic rescan, spread: whatever the arrangement of datasets and however it changes, no dataset
 * goes `rescanMs` without a full scan (the staleness bound the safety argument rests on), `nextRescanAt`
 * says when the next one comes, and with wakes every `w` a wake starts at most ⌈N · w / rescanMs⌉ of them.
 */
describe('HoldsCache (periodic rescan slots)', () => {
  it('every dataset is rescanned within rescanMs of its last full scan, in slices of at most ⌈N·w/rescanMs⌉ a wake', () =>
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 60_000, max: 7_200_000 }),
        fc.integer({ min: 1, max: 1_200_000 }),
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.array(fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }), { maxLength: 40 }),
        (n, rescanMs, gap, start, changes) => {
          const c = HoldsCache.make(rescanMs)
          // At most 50 wakes a period, so a run stays small.
          const w = Math.max(Math.ceil(rescanMs / 50), Math.min(gap, rescanMs))
          let names = Array.from({ length: n }, (_, i) => `ds${i}`)
          const lastFull = new Map<string, number>()
          let now = start
          const wake = (): number => {
            c.arrange(names)
            let started = 0
            for (const d of names) {
              const due = c.nextRescanAt(d)
              const before = c.generation(d)
              c.toRead(d, ['s'], now)
              const full = c.generation(d) !== before
              // `nextRescanAt` tells exactly when a periodic scan is due.
              if (due !== undefined) expect(full).toBe(now >= due)
              if (full) {
                started += 1
                lastFull.set(d, now)
              }
              expect(now - lastFull.get(d)!).toBeLessThan(rescanMs)
              expect(c.nextRescanAt(d)! - now).toBeGreaterThan(0)
              expect(c.nextRescanAt(d)! - now).toBeLessThanOrEqual(rescanMs)
            }
            return started
          }
          expect(wake()).toBe(names.length) // start-up: all
          // Steady wakes every w with a fixed arrangement: slices only.
          for (let i = 0; i < Math.ceil(rescanMs / w) + 1; i++) {
            now += w
            expect(wake()).toBeLessThanOrEqual(Math.ceil((names.length * w) / rescanMs))
          }
          // Arrangement changes (datasets added, dropped, reordered) never stretch the bound.
          for (const ch of changes) {
            if (ch !== undefined) names = Array.from({ length: ch }, (_, i) => `ds${(i * 7 + ch) % 31}`)
            now += Math.floor(w / 2) + 1
            wake()
          }
        },
      ),
      { numRuns: 100 },
    ))
})
