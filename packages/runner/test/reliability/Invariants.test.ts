/**
 * The soak's checks can fail: a planner that breaks one rule at a time is caught within a few cycles,
 * each by the check meant for it (otherwise a green soak would prove nothing).
 */
import { type Plan, type PlanInput, planDataset, SnapshotName } from '@zfs-autobackup/core'
import { describe, expect, it } from 'vitest'
import { checkedMinutes, safety, seedForeign } from './Invariants.js'
import { HOUR, MINUTE, makeWorld, openPolicy } from './World.js'

type Sabotage = (input: PlanInput, plan: Plan) => Plan

const destroy = (input: PlanInput, snapshot: string | undefined): Plan['actions'] =>
  snapshot === undefined
    ? []
    : [
        {
          _tag: 'DestroySnapshot',
          dataset: input.dataset.dataset,
          snapshot,
          reason: { _tag: 'BeyondRetention', type: 'frequent', rank: 9, count: 1 },
        },
      ]

const withActions = (plan: Plan, actions: Plan['actions']): Plan => ({
  ...plan,
  actions: [...plan.actions, ...actions],
})

const run = async (sabotage: Sabotage, cycles = 90): Promise<string> => {
  const w = makeWorld({
    seed: 3,
    start: Date.UTC(2026, 5, 1, 8, 0),
    zone: 'UTC',
    policy: openPolicy({
      backupIntervalSeconds: 60,
      retention: { frequent: 3, hourly: 2 },
      syncIntervalSeconds: 1800,
    }),
    datasets: [
      {
        dataset: 'tank/a',
        recursive: false,
        destinations: [{ remoteHost: 'nas', remoteDataset: 'backup/a', enabled: true }],
      },
    ],
    // Slow transfers, so migrations stay in flight across cycles.
    bytesPerSecond: 16 * 1024,
    planner: (input) => sabotage(input, planDataset(input)),
  })
  const check = safety(w, seedForeign(w))
  w.start()
  try {
    await checkedMinutes(w, cycles, check)
    return 'no breach'
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  } finally {
    await w.stop()
  }
}

describe('the safety checks', () => {
  it('pass for the real planner', async () => {
    expect(await run((_, p) => p)).toBe('no breach')
  })

  it('catch a destroy of a foreign snapshot', async () => {
    expect(await run((i, p) => withActions(p, destroy(i, 'my_frequent_manual')))).toMatch(/not one of ours/)
  })

  it('catch a destroy of the newest snapshot (the one this plan creates)', async () => {
    const created = (p: Plan) => p.actions.find((a) => a._tag === 'CreateSnapshot')?.snapshot
    expect(await run((i, p) => withActions(p, destroy(i, created(p))))).toMatch(/newest snapshot/)
  })

  it('catch a destroy inside an in-flight migration', async () => {
    const sabotage: Sabotage = (i, p) => {
      if (i.observed.inFlight.length === 0) return p
      const ours = i.observed.snapshots.filter((s) => s.startsWith('frequent_backup_'))
      return withActions(p, destroy(i, ours[ours.length - 2]))
    }
    expect(await run(sabotage)).toMatch(/in-flight migration/)
  })

  it('catch a name created again (a planner that reuses an hour-old name)', async () => {
    const sabotage: Sabotage = (i, p) => {
      if (i.now !== Date.UTC(2026, 5, 1, 8, 0) + 70 * MINUTE) return p
      const old = SnapshotName.format('frequent', i.now - HOUR)
      return {
        ...p,
        actions: p.actions.map((a) => (a._tag === 'CreateSnapshot' ? { ...a, snapshot: old } : a)),
      }
    }
    expect(await run(sabotage)).toMatch(/created twice/)
  })

  it('see a throwing planner contained: the daemon keeps cycling', async () => {
    const sabotage: Sabotage = (i, p) => {
      if (i.now >= Date.UTC(2026, 5, 1, 8, 0) + HOUR) throw new Error('planner bug')
      return p
    }
    expect(await run(sabotage)).toBe('no breach')
  })
})
