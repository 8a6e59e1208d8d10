/**
 * Whatever the destination does (receives, failed receives, snapshots re-taken by hand, destroyed) and
 * whatever its API answers (or fails to), the base hold only ever moves to a snapshot the destination
 * verifiably has: listed there, with the source's guid, at the moment it moved; and never backwards.
 * The verifier (runner) feeds the core's `Replication.plan`, whose holds and releases are applied here.
 */
import { BaseTag, Replication } from '@zfs-autobackup/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as FakeApi from './FakeApi.js'
import { backupHost, harness } from './Harness.js'

const N = 8
const SOURCE = Array.from({ length: N }, (_, i) => `s${i}`)
const d = { dataset: 'tank/a', remoteHost: 'nas', remoteDataset: 'backup/a' }
const destination = { remoteHost: 'nas', remoteDataset: 'backup/a', enabled: true }
const TAG = BaseTag.of(d)

type Step =
  /** A receive of source snapshot `i` lands (only if newer than what is there, as `zfs recv` needs). */
  | { readonly _tag: 'Receive'; readonly i: number }
  /** Someone re-takes a snapshot there by hand under the same name: another guid. */
  | { readonly _tag: 'Diverge'; readonly pick: number }
  | { readonly _tag: 'Destroy'; readonly pick: number }
  /** The verifier checks; `fail`: the backup host's API is down, or one method fails. */
  | { readonly _tag: 'Check'; readonly fail: 'none' | 'down' | 'list' | 'guid' }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ _tag: fc.constant('Receive' as const), i: fc.integer({ min: 0, max: N - 1 }) }),
  fc.record({ _tag: fc.constant('Diverge' as const), pick: fc.nat() }),
  fc.record({ _tag: fc.constant('Destroy' as const), pick: fc.nat() }),
  fc.record({
    _tag: fc.constant('Check' as const),
    fail: fc.constantFrom(
      'none' as const,
      'none' as const,
      'down' as const,
      'list' as const,
      'guid' as const,
    ),
  }),
)

describe('verified arrival (property)', () => {
  it('the base only moves to a snapshot the destination has with the same guid, and only forward', async () => {
    let moves = 0
    let frozen = 0
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(SOURCE, { minLength: 0 }),
        fc.array(step, { minLength: 1, maxLength: 30 }),
        async (initial, steps) => {
          const h = harness({ 'tank/a': SOURCE })
          const { nas, arrivals, verifier } = backupHost(h, initial)
          /** Source holds (only base tags matter here): snapshot → tags. */
          const holds = new Map<string, string[]>()
          let newestBase = -1
          const there = () => nas.snapshots.get('backup/a') ?? []
          const guidThere = (s: string) => nas.guids.get(`backup/a@${s}`) ?? `guid-of-${s}`

          for (const st of steps) {
            const list = there()
            if (st._tag === 'Receive') {
              const newest = list.length === 0 ? -1 : SOURCE.indexOf(list[list.length - 1]!)
              if (st.i > newest && !list.includes(SOURCE[st.i]!))
                nas.snapshots.set('backup/a', [...list, SOURCE[st.i]!])
              continue
            }
            if (st._tag === 'Diverge' || st._tag === 'Destroy') {
              if (list.length === 0) continue
              const s = list[st.pick % list.length]!
              if (st._tag === 'Diverge') nas.guids.set(`backup/a@${s}`, `by-hand-${st.pick}`)
              else
                nas.snapshots.set(
                  'backup/a',
                  list.filter((x) => x !== s),
                )
              continue
            }
            nas.down = st.fail === 'down'
            if (st.fail === 'list' || st.fail === 'guid')
              nas.failing.set(st.fail === 'list' ? 'snapshot_list' : 'dataset_get_properties', {
                error: FakeApi.remote('x', -32603, 'boom'),
                sticky: false,
              })
            verifier.request(d)
            await verifier.runDue(
              { dataset: 'tank/a', recursive: false, destinations: [destination] },
              SOURCE,
            )
            nas.down = false
            nas.failing.clear()
            if (arrivals.check(d)?._tag === 'Frozen' || arrivals.check(d)?._tag === 'Diverged') frozen++

            // The core plans on the evidence; the plan's holds and releases are carried out.
            const heldByIndex = new Map<number, ReadonlyArray<string>>()
            SOURCE.forEach((s, i) => {
              const t = holds.get(s)
              if (t !== undefined && t.length > 0) heldByIndex.set(i, t)
            })
            const plan = Replication.plan({
              dataset: 'tank/a',
              now: h.clock.now(),
              futureMs: 0,
              snapshots: SOURCE,
              heldByIndex,
              hosts: new Map(),
              destinations: [destination],
              evidence: arrivals.of('tank/a'),
            })
            for (const a of plan.holds) {
              // The property: a base is placed only where the destination has that snapshot, same guid.
              expect(a.reason._tag).toBe('Arrived')
              expect(there()).toContain(a.snapshot)
              expect(guidThere(a.snapshot)).toBe(`guid-of-${a.snapshot}`)
              const i = SOURCE.indexOf(a.snapshot)
              expect(i).toBeGreaterThanOrEqual(newestBase)
              newestBase = i
              holds.set(a.snapshot, [...(holds.get(a.snapshot) ?? []), a.tag])
              moves++
            }
            for (const r of plan.releases)
              holds.set(
                r.snapshot,
                (holds.get(r.snapshot) ?? []).filter((t) => t !== r.tag),
              )
            const bySnapshot = new Map([...holds].filter(([, t]) => t.length > 0))
            arrivals.settle('tank/a', SOURCE, bySnapshot)
            // Arrived moves the hold to that snapshot alone: one base, never none once placed.
            const based = SOURCE.filter((s) => holds.get(s)?.includes(TAG))
            if (newestBase >= 0) expect(based).toEqual([SOURCE[newestBase]])
          }
        },
      ),
      { numRuns: 300 },
    )
    // The generator reaches both sides: bases placed, and destinations found frozen.
    expect(moves).toBeGreaterThan(50)
    expect(frozen).toBeGreaterThan(10)
  })
})
