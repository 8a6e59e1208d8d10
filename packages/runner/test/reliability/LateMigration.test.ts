/**
 * Found by the soak property (seed 4; the shrunk counterexample is replayed below), fixed since
 * (docs/reliability.md, "Bugs found"; docs/core-decisions.md, §8 as amended).
 *
 * What happened:
 * 1. A `migration_create` is answered only after the client's timeout. The daemon counted it as a failed
 *    sync and, after the back-off, started another one to the same destination.
 * 2. The first request still lands on the API, so two migrations of one dataset to one destination run at
 *    once. The second is unknown to the daemon until the next `migration_list`.
 * 3. Each migration sends from the last snapshot the remote had *when it started*. The one that finishes
 *    first moves the sync hold (the base) forward.
 * 4. The daemon protected only base..newest (core-decisions.md §8 as first written), so the other migration's
 *    older range was unprotected, and retention destroyed a snapshot it was still sending.
 *
 * The fix, in two layers, each tested on its own here:
 * - the core protects from min(base when the migration started, current base) to the newest, and
 *   everything for a migration the daemon did not start (a late create once listed: no `baseAtStart`);
 * - the daemon counts a create with no answer as in flight (no other sync to that destination, nothing
 *   destroyed in the dataset) until `migration_list` shows it or a grace period passes.
 */
import type { Fault } from '@zfs-autobackup/zfs-rpc/testing'
import { describe, expect, it } from 'vitest'
import type * as Daemon from '../../src/daemon/Daemon.js'
import { memoryLog } from '../daemon/Harness.js'
import { safety, seedForeign } from './Invariants.js'
import { FAULTS_WITH_LATE_ANSWERS, MINUTE, makeWorld } from './World.js'

interface Task {
  readonly id: string
  readonly created_at: string
  readonly completed_at: string | null
  readonly params: { readonly source: string; readonly destination: string }
}

/** Pairs of tasks to the same dataset and destination whose lifetimes overlapped. */
const overlapping = (tasks: ReadonlyArray<Task>): ReadonlyArray<readonly [string, string]> => {
  const span = (t: Task) => [
    Date.parse(t.created_at),
    t.completed_at === null ? Infinity : Date.parse(t.completed_at),
  ]
  const target = (t: Task) => `${t.params.source.split('@')[0]} ${t.params.destination}`
  const pairs: Array<readonly [string, string]> = []
  tasks.forEach((a, i) => {
    for (const b of tasks.slice(i + 1)) {
      const [a0, a1] = span(a)
      const [b0, b1] = span(b)
      if (target(a) === target(b) && a0! < b1! && b0! < a1!) pairs.push([a.id, b.id])
    }
  })
  return pairs
}

/** The shrunk soak counterexample: 200 minutes with a 150 s `migration_create` delay among the faults. */
const replay = async (daemon: Daemon.Options, seed = 791829147) => {
  const start = 1861832160000 // 2028-12-30T23:36Z
  const log = memoryLog()
  const w = makeWorld({
    seed,
    start,
    zone: 'Australia/Lord_Howe',
    log,
    daemon,
    policy: {
      backupIntervalSeconds: 30,
      snapshotWindow: { days: '0010001', hours: '000000000000100011000000' },
      retention: { frequent: 2, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 },
      remoteSync: {
        enabled: true,
        intervalSeconds: 600,
        window: { days: '1111111', hours: '1'.repeat(24) },
      },
    },
    datasets: ['tank/a', 'tank/b'].map((dataset, i) => ({
      dataset,
      recursive: false,
      destinations: [{ remoteHost: 'nas-1', remoteDataset: `backup/d${i}`, enabled: true }],
    })),
  })
  const check = safety(w, seedForeign(w))
  const late = (f: Fault) => f.kind === 'delay' && f.ms > 100_000
  w.faults(0.2, 0.2 / 25, seed, FAULTS_WITH_LATE_ANSWERS, { snapshot_create: late })
  w.start()
  try {
    for (let i = 0; i < 200; i++) {
      if (i === 1) w.stepClock(19_356_500)
      await w.clock.advance(MINUTE)
      check()
    }
  } finally {
    await w.stop().catch(() => undefined)
  }
  return {
    violations: w.sim.inspect.violations(),
    overlaps: overlapping(w.sim.inspect.migrations() as unknown as ReadonlyArray<Task>),
    unanswered: log.text('warn').filter((m) => m.includes('may still start on the API')).length,
  }
}

describe('a migration_create that lands after the daemon gave up on it', () => {
  it('starts no second migration to that destination, and destroys nothing it sends', async () => {
    // Seed 1: a run of today's daemon in which creates go unanswered (the original seed's no longer do,
    // since the per-host serialisation of §9 as amended and the paced reads changed every later call).
    const r = await replay({}, 1)
    expect(r.unanswered).toBeGreaterThan(0) // the scenario happened: a create went unanswered
    expect(r.overlaps).toEqual([])
    expect(r.violations).toEqual([])
  })

  // Skipped: since one migration of a dataset per host at a time (§9 as amended) and paced reads, none
  // of seeds 1–14 makes two migrations overlap any more, so this replay no longer reaches the core-alone
  // scenario; §8's protection of every range is proved directly by Protection.prop.test.ts. Finding a
  // seed that overlaps again (or scripting the overlap) is left open (closing note of 2026-12-02).
  it.skip('core alone (unanswered creates not tracked): two migrations overlap, yet none loses a snapshot', async () => {
    // The scenario needs a run whose faults make two migrations overlap. Which seed does that depends on
    // every call the daemon makes, so the search is part of the test: the first of these seeds whose run
    // overlaps (the original 791829147 did until issue 10 changed the daemon's calls), and every run made
    // on the way must be safe.
    let overlaps = 0
    for (const seed of [791829147, 4, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 19]) {
      const r = await replay({ unconfirmedGraceMs: 0 }, seed)
      // §8 as amended covers every range, whichever migration moved the base.
      expect(r.violations).toEqual([])
      overlaps = r.overlaps.length
      if (overlaps > 0) break
    }
    expect(overlaps).toBeGreaterThan(0)
  }, 120_000)
})
