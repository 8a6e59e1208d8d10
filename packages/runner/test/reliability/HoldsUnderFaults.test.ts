/**
 * Retention must keep working while some hold reads fail. Found by the soak (docs/reliability.md, "Bugs
 * found"): the holds of a dataset were read as ONE batch that failed as a whole when any item failed, and a
 * failed full scan left the cache with nothing, so with a per-call failure rate p and n snapshots a scan
 * succeeded with (1-p)^n: holds stayed Unknown, nothing was destroyed, the dataset grew by one snapshot a
 * cycle (362 against a policy of 5 after 300 cycles). Now the daemon reads per-item results
 * (`ZfsApi.holdsListEach`), keeps what it read and re-reads only the failed snapshots, so a scan completes
 * within a few cycles; holds stay Unknown (no destroys) until it has. */
import { SnapshotName } from '@zfs-autobackup/core'
import type { Fault } from '@zfs-autobackup/zfs-rpc/testing'
import { describe, expect, it } from 'vitest'
import { safety, seedForeign } from './Invariants.js'
import { MINUTE, makeWorld, openPolicy } from './World.js'

const stamp = (i: number) => {
  const d = new Date(Date.UTC(2026, 11, 29, 0, 0) + i * 10 * MINUTE)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}-${p(d.getUTCMinutes())}`
}

const world = (opts: { readonly backlog?: number; readonly retries?: boolean } = {}) => {
  const w = makeWorld({
    ...(opts.retries === false ? { retry: { maxAttempts: 1 } } : {}),
    seed: 7,
    start: Date.UTC(2026, 11, 30, 12, 0),
    zone: 'UTC',
    policy: openPolicy({
      backupIntervalSeconds: 60,
      retention: { frequent: 5 },
      syncIntervalSeconds: 86400,
      sync: false,
    }),
    datasets: [{ dataset: 'tank/a', recursive: false, destinations: [] }],
  })
  const foreign = seedForeign(w)
  // A backlog of our snapshots (default 60: a restart after a long API outage, say).
  w.sim.seed.snapshots(
    'tank/a',
    Array.from({ length: opts.backlog ?? 60 }, (_, i) => `frequent_backup_${stamp(i)}`),
  )
  return { w, foreign }
}

const ours = (w: ReturnType<typeof world>['w']) =>
  w.sim.inspect.snapshots('tank/a').filter((s) => SnapshotName.parseOrUndefined(s)?.type === 'frequent')
    .length

describe('retention under failing hold reads', () => {
  it('without faults, works the backlog off in one cycle (control)', async () => {
    const { w } = world()
    w.start()
    for (let i = 0; i < 5; i++) await w.clock.advance(MINUTE)
    expect(ours(w)).toBe(5)
    await w.stop()
  })

  /** 300 one-minute cycles with 10 % of the holds calls failing; `ours` after each, safety checked each. */
  const run = async (
    w: ReturnType<typeof world>['w'],
    foreign: ReturnType<typeof world>['foreign'],
    faults: ReadonlyArray<Fault>,
  ) => {
    // Foreign and admin-held snapshots beside the backlog: all must survive.
    const check = safety(w, foreign)
    w.sim.faults.random({ method: 'snapshot_holds_list', probability: 0.1, faults }, 7)
    w.start()
    const counts: number[] = []
    for (let i = 0; i < 300; i++) {
      await w.clock.advance(MINUTE)
      check()
      counts.push(ours(w))
    }
    await w.stop()
    return counts
  }

  it('works the backlog off and keeps the policy while 10 % of snapshot_holds_list items fail, destroying nothing protected', async () => {
    const { w, foreign } = world()
    const counts = await run(w, foreign, [
      { kind: 'rpcError', code: -32034, message: 'Failed to list holds: exception' },
    ])
    const failed = w.sim.inspect.faultsInjected().length
    // The faults did happen (about 10 % of the holds calls)...
    expect(failed).toBeGreaterThan(0.05 * (w.sim.inspect.counts().byMethod['snapshot_holds_list'] ?? 0))
    // ...yet the backlog of 60 was gone within a few cycles (each one re-reads only the failed items)...
    const firstAtPolicy = counts.findIndex((n) => n <= 5)
    expect(firstAtPolicy).toBeGreaterThanOrEqual(0)
    expect(firstAtPolicy).toBeLessThan(10)
    // ...and from then on the dataset stays at the policy, one over while a new snapshot's read failed.
    expect(Math.max(...counts.slice(firstAtPolicy))).toBeLessThanOrEqual(6)
    expect(w.heldAsked()).toBe(0)
  })

  it('also when the faults fail whole requests (drops, 500s, 429s, cut-off bodies), with client retries off', async () => {
    // A fault of any one call fails the whole batch here, so a full read of 200 snapshots would almost never
    // get through (0.94^200); the read limit halves after each failed round trip until reads do.
    const { w, foreign } = world({ backlog: 200, retries: false })
    const counts = await run(w, foreign, [
      { kind: 'drop' },
      { kind: 'http500' },
      { kind: 'http429' },
      { kind: 'malformed' },
      { kind: 'rpcError', code: -32034, message: 'Failed to list holds: exception' },
    ])
    const firstAtPolicy = counts.findIndex((n) => n <= 5)
    expect(firstAtPolicy).toBeGreaterThanOrEqual(0)
    // Measured 25 cycles (seed 7; 58 before reads went in batches of 8); without the read limit it never
    // gets there.
    expect(firstAtPolicy).toBeLessThan(60)
    // Measured 11: a dropped read is no longer resent (the API may still be running it) and a refused
    // one ends the cycle's holds reads, so a streak of faults can leave the holds unknown (nothing
    // destroyed) a few cycles longer than with resends (8).
    expect(Math.max(...counts.slice(firstAtPolicy))).toBeLessThanOrEqual(12)
    expect(w.heldAsked()).toBe(0)
  })
})
