/**
 * Issue 11's soak: a recursive tree under the fault mix. The root takes one `-r` snapshot per due instant
 * and every descendant is pruned on its own listing. With 10 % of calls failing in every way the simulator
 * injects, no unsafe destroy is ever requested (World's watch: ours, not held, not newest, outside any
 * in-flight range), an admin-held snapshot and a foreign one on a child survive, and once the faults stop
 * every child holds exactly the root's snapshots of ours: the counts per type the policy keeps.
 * Env: TREE_SOAK_CYCLES (default 2,000), TREE_SOAK_SEED.
 */
import { SnapshotName } from '@zfs-autobackup/core'
import type { Fault } from '@zfs-autobackup/zfs-rpc/testing'
import { describe, expect, it } from 'vitest'
import { checkedMinutes, safety } from './Invariants.js'
import { makeWorld, openPolicy } from './World.js'

const CYCLES = Number(process.env['TREE_SOAK_CYCLES'] ?? 2_000)
const SEED = Number(process.env['TREE_SOAK_SEED'] ?? 20261203)
const CALM = 120

const FAULTS: ReadonlyArray<Fault> = [
  { kind: 'drop' },
  { kind: 'drop', afterExecute: true },
  { kind: 'http500' },
  { kind: 'http429' },
  { kind: 'rpcError', code: -32603, message: 'Internal error' },
  { kind: 'malformed' },
  { kind: 'wrongShape' },
  { kind: 'delay', ms: 45_000 },
]

const CHILDREN = ['tank/t/a', 'tank/t/b', 'tank/t/b/deep']
const HELD = 'daily_backup_2020-01-01-00-00'
const FOREIGN = 'before-upgrade'

describe('a recursive tree under faults', () => {
  it(`${CYCLES} cycles, 10 % faults, a root with three descendants: always safe, every child at the root's counts after`, async () => {
    const w = makeWorld({
      seed: SEED,
      start: Date.UTC(2026, 11, 2, 6, 0),
      zone: 'Europe/Vienna',
      policy: openPolicy({
        backupIntervalSeconds: 300,
        retention: { frequent: 4, hourly: 6, daily: 2 },
        syncIntervalSeconds: 3600,
        sync: false,
      }),
      datasets: [{ dataset: 'tank/t', recursive: true, destinations: [] }],
    })
    for (const c of CHILDREN) w.sim.seed.dataset(c)
    w.sim.seed.snapshots('tank/t/b', [HELD], { holds: ['admin_keep'] })
    w.sim.seed.snapshots('tank/t/a', [FOREIGN])
    const check = safety(w, [
      { dataset: 'tank/t/b', snapshot: HELD, holds: ['admin_keep'] },
      { dataset: 'tank/t/a', snapshot: FOREIGN, holds: [] },
    ])
    w.faults(0.1, 0.1, SEED, FAULTS)
    w.start()
    try {
      await checkedMinutes(w, CYCLES, check)
      w.sim.faults.clear()
      await checkedMinutes(w, CALM, check)
      const faults = w.sim.inspect.faultsInjected().length
      const ours = (ds: string) =>
        w.sim.inspect.snapshots(ds).filter((s) => SnapshotName.isOurs(s) && s !== HELD)
      const root = ours('tank/t')
      const counts = (names: ReadonlyArray<string>) => {
        const n: Record<string, number> = {}
        for (const s of names) {
          const t = SnapshotName.parseOrUndefined(s)!.type
          n[t] = (n[t] ?? 0) + 1
        }
        return n
      }
      console.info(
        `tree soak: ${CYCLES} + ${CALM} cycles, ${faults} faults, ${w.sim.inspect.counts().rpcCalls} calls; root ${JSON.stringify(counts(root))}; ` +
          CHILDREN.map((c) => `${c} ${ours(c).length}`).join(', '),
      )
      expect(faults).toBeGreaterThan(CYCLES)
      // Full frequent and hourly counts; the run crosses one local midnight (dailies: at most 2).
      const n = counts(root)
      expect([n['frequent'], n['hourly']]).toEqual([4, 6])
      expect(n['daily']).toBeGreaterThanOrEqual(1)
      expect(n['daily']).toBeLessThanOrEqual(2)
      for (const c of CHILDREN) expect(ours(c), c).toEqual(root)
      expect(w.sim.inspect.snapshots('tank/t/b')).toContain(HELD)
      expect(w.sim.inspect.snapshots('tank/t/a')).toContain(FOREIGN)
    } finally {
      await w.stop()
    }
  }, 600_000)
})
