/**
 * Recursive trees end to end (issue 11): a YAML config with `recursive: true` decoded as the daemon does,
 * the real daemon cycle and client against the API simulator (`-r` snapshots, `dataset_list -r`), one
 * cycle every 15 minutes of a simulated month. Every descendant keeps exactly the root's snapshots; a
 * hold on one descendant's snapshot keeps that one there only; a child created later joins, one destroyed
 * leaves; an excluded child keeps only its newest.
 */
import { planDataset } from '@zfs-autobackup/core'
import { type FetchLike, makeClient, VirtualClock } from '@zfs-autobackup/zfs-rpc'
import { makeSimulator } from '@zfs-autobackup/zfs-rpc/testing'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeConfig } from '../../src/config/Decode.js'
import { settingsOf } from '../../src/daemon/Cycle.js'
import * as Daemon from '../../src/daemon/Daemon.js'
import * as Metrics from '../../src/http/Metrics.js'
import * as Logger from '../../src/log/Logger.js'

const START = Date.UTC(2026, 1, 20, 0, 0) // the month boundary of 1 March falls inside
const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
/** The cycle period: the backup interval, so each cycle may create. */
const STEP = 30 * MIN
/** Between two hourly re-reads of the members, so the listing of the destroyed child fails once first. */
const DESTROYED_AT = Date.UTC(2026, 2, 12, 0, 30) // day 20
const OURS = /^(frequent|hourly|daily|weekly|monthly|yearly)_backup_(\d{4})-(\d\d)-(\d\d)-(\d\d)-(\d\d)$/
const timeOf = (name: string): number => {
  const m = OURS.exec(name)!
  return Date.UTC(Number(m[2]), Number(m[3]) - 1, Number(m[4]), Number(m[5]), Number(m[6]))
}

const YAML = `server:
  backup_interval: 1800
  timezone: UTC
  retention: { frequent: 4, hourly: 24, daily: 7, weekly: 4, monthly: 2, yearly: 0 }
datasets:
  - local_dataset: tank/root
    recursive: true
    exclude: [tank/root/scratch]
`

const ROOT = 'tank/root'
const CHILDREN = ['tank/root/a', 'tank/root/b', 'tank/root/b/deep']

describe('a recursive tree over a simulated month', () => {
  it('every descendant keeps exactly what the root keeps, with its own protections', async () => {
    const decoded = decodeConfig(YAML, { defaultZone: 'UTC' })
    if (E.isLeft(decoded)) throw new Error(JSON.stringify(decoded.left))
    const clock = new VirtualClock(START)
    const sim = makeSimulator({ clock, zone: 'UTC', datasets: [ROOT, ...CHILDREN, 'tank/root/scratch'] })
    sim.seed.snapshots('tank/root/a', ['manual-keep-me'])
    const api = makeClient({ url: 'http://sim:8545', fetch: sim.fetch as unknown as FetchLike, clock })
    const daemon = Daemon.make(
      { api, clock, log: Logger.silent, planner: planDataset, metrics: Metrics.make() },
      settingsOf(decoded.right),
    )
    const signal = new AbortController().signal
    const ours = (d: string) => sim.inspect.snapshots(d).filter((s) => OURS.test(s))
    const rpc = async (method: string, params: Record<string, unknown>) => {
      const r = await (sim.fetch as unknown as FetchLike)('http://sim:8545', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
        signal,
      })
      expect(await r.text()).not.toContain('"error"')
    }

    let held: string | undefined
    let lateJoinedAt: number | undefined
    let failedCycles = 0
    const cycles = (30 * DAY) / STEP
    for (let i = 0; i <= cycles; i++) {
      const now = START + i * STEP
      clock.set(now)
      if (now === START + 3 * DAY) {
        // a hold on one descendant's snapshot: kept there, pruned everywhere else in due course
        held = ours('tank/root/b')[0]!
        await rpc('snapshot_hold', { dataset: 'tank/root/b', snapshot: held, tag: 'keep' })
      }
      if (now === START + 10 * DAY) {
        await rpc('dataset_create', { dataset: 'tank/root/late' })
        lateJoinedAt = now
      }
      if (now === DESTROYED_AT) await rpc('dataset_destroy', { dataset: 'tank/root/b/deep', recursive: true })
      const r = await daemon.cycleOnce(signal)
      expect(r?._tag).toBe('Done')
      if (r?._tag === 'Done' && r.failedDatasets > 0) failedCycles += 1

      const root = ours(ROOT)
      for (const c of ['tank/root/a', 'tank/root/b', 'tank/root/b/deep']) {
        if (c === 'tank/root/b/deep' && now >= DESTROYED_AT) continue
        const extra = c === 'tank/root/b' && held !== undefined ? [held] : []
        expect(
          ours(c).filter((s) => !extra.includes(s)),
          `${c} at cycle ${i}`,
        ).toEqual(root.filter((s) => !extra.includes(s)))
      }
      // the child created later: the root's snapshots since it joined (members are re-read hourly)
      if (lateJoinedAt !== undefined && now >= lateJoinedAt + HOUR)
        expect(ours('tank/root/late')).toEqual(root.filter((s) => timeOf(s) > lateJoinedAt! - 1))
      // the excluded child keeps no more than the newest `-r` snapshot
      expect(ours('tank/root/scratch').length).toBeLessThanOrEqual(1)
    }
    // the root at policy: 4 frequent, 24 hourly, 7 daily, 4 weekly, 2 monthly
    const byType = (d: string) => {
      const n: Record<string, number> = {}
      for (const s of ours(d)) n[OURS.exec(s)![1]!] = (n[OURS.exec(s)![1]!] ?? 0) + 1
      return n
    }
    expect(byType(ROOT)).toEqual({ frequent: 4, hourly: 24, daily: 7, weekly: 4, monthly: 1 })
    expect(byType('tank/root/a')).toEqual(byType(ROOT))
    // the held one survived on its descendant only; the foreign one was never touched
    expect(sim.inspect.snapshots('tank/root/b')).toContain(held)
    expect(ours(ROOT)).not.toContain(held)
    expect(sim.inspect.snapshots('tank/root/a')).toContain('manual-keep-me')
    expect(sim.inspect.snapshots('tank/root/scratch')).toEqual([ours(ROOT).at(-1)])
    // the destroyed child failed one cycle (its listing came back empty), then left the tree
    expect(failedCycles).toBe(1)
    expect(sim.inspect.violations()).toEqual([])
  })
})
