/**
 * A replicated recursive tree end to end (issue 11): a YAML config with `recursive: true` and a destination,
 * decoded as the daemon does; the real daemon cycle, migration monitor and client against the simulator
 * (`-r` snapshots, `-R -I` migrations received with `zfs recv -F`, recursive holds), a cycle every 30
 * minutes over simulated days, with a failed receive, a failed migration and a base hold zfs refuses.
 *
 * After every cycle: each name that carries the destination's base tag on the root is there, held with
 * the same tag, on every descendant (the base is held with `zfs hold -r`, and no descendant prunes it);
 * every descendant still keeps exactly the root's snapshots; the backup host has each descendant, and in
 * the end every one of them has the root's newest snapshot.
 */
import { BaseTag, planDataset } from '@zfs-autobackup/core'
import { type FetchLike, makeClient, VirtualClock } from '@zfs-autobackup/zfs-rpc'
import { makeSimulator } from '@zfs-autobackup/zfs-rpc/testing'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeConfig } from '../../src/config/Decode.js'
import { settingsOf } from '../../src/daemon/Cycle.js'
import * as Daemon from '../../src/daemon/Daemon.js'
import * as Metrics from '../../src/http/Metrics.js'
import * as Logger from '../../src/log/Logger.js'

const START = Date.UTC(2026, 3, 6, 0, 0)
const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const STEP = 30 * MIN
const DAYS = 4
const OURS = /^(frequent|hourly|daily|weekly|monthly|yearly)_backup_\d{4}-\d\d-\d\d-\d\d-\d\d$/

const YAML = `server:
  backup_interval: 1800
  timezone: UTC
  retention: { frequent: 2, hourly: 6, daily: 3, weekly: 0, monthly: 0, yearly: 0 }
  remote_sync:
    enabled: true
    interval: 7200
datasets:
  - local_dataset: tank/root
    recursive: true
    destinations:
      - remote_host: nas
        remote_dataset: backup/root
`

const ROOT = 'tank/root'
const CHILDREN = ['tank/root/a', 'tank/root/b', 'tank/root/b/deep']
const TAG = BaseTag.of({ remoteHost: 'nas', remoteDataset: 'backup/root' })
const remoteOf = (d: string) => `backup/root${d.slice(ROOT.length)}`

describe('a replicated recursive tree over simulated days, with faults', () => {
  it('every descendant keeps the base held with -r, and the backup host gets every descendant', async () => {
    const decoded = decodeConfig(YAML, { defaultZone: 'UTC' })
    if (E.isLeft(decoded)) throw new Error(JSON.stringify(decoded.left))
    const clock = new VirtualClock(START)
    const sim = makeSimulator({
      clock,
      zone: 'UTC',
      datasets: [ROOT, ...CHILDREN],
      migration: { bytesPerSnapshot: 1 << 20, bytesPerSecond: 64 << 20, overheadMs: 500 },
    })
    const api = makeClient({ url: 'http://sim:8545', fetch: sim.fetch as unknown as FetchLike, clock })
    const daemon = Daemon.make(
      { api, clock, log: Logger.silent, planner: planDataset, metrics: Metrics.make() },
      settingsOf(decoded.right),
    )
    const signal = new AbortController().signal
    const ours = (d: string, host?: string) => sim.inspect.snapshots(d, host).filter((s) => OURS.test(s))
    const bases = () => sim.inspect.snapshots(ROOT).filter((s) => sim.inspect.holds(ROOT, s).includes(TAG))

    const faultsAt = new Map<number, () => void>([
      // a receive that fails (out of space): the API still says completed and places its sync hold
      [8, () => sim.faults.script('migration_create', [{ kind: 'failReceive' }])],
      // two in a row, then a migration that fails outright
      [30, () => sim.faults.script('migration_create', [{ kind: 'failReceive' }, { kind: 'failReceive' }])],
      [70, () => sim.faults.script('migration_create', [{ kind: 'failMigration' }])],
      // zfs refuses the next base hold: its release waits, the old base stays held everywhere
      [
        100,
        () =>
          sim.faults.script('snapshot_hold', [
            { kind: 'rpcError', code: -32031, message: 'Failed to hold snapshot: pool is busy' },
          ]),
      ],
    ])
    let basesSeen = 0
    let moved = 0
    let previous: string | undefined
    const cycles = (DAYS * DAY) / STEP
    for (let i = 0; i <= cycles; i++) {
      faultsAt.get(i)?.()
      const migrations = sim.inspect.migrations().length
      const r = await daemon.cycleOnce(signal)
      // A cycle that starts the root's `-R` sync prunes no descendant: that send may carry any of theirs.
      const syncing = sim.inspect.migrations().length > migrations
      expect(r?._tag, `cycle ${i}`).toBe('Done')
      await clock.advance(STEP)
      await daemon.internals.monitor.pollOnce()

      const root = ours(ROOT)
      const held = bases()
      if (held.at(-1) !== previous) moved += 1
      previous = held.at(-1)
      for (const c of CHILDREN) {
        // every descendant keeps exactly the root's snapshots, its bases included (one cycle later when syncing)
        if (syncing) expect(ours(c), `${c} after cycle ${i}`).toEqual(expect.arrayContaining(root))
        else expect(ours(c), `${c} after cycle ${i}`).toEqual(root)
        for (const s of held) {
          basesSeen += 1
          expect(sim.inspect.holds(c, s), `${c}@${s} after cycle ${i}`).toContain(TAG)
        }
        // nothing but the base tag of ours on a descendant: released with -r when the base moved on
        for (const s of sim.inspect.snapshots(c))
          if (!held.includes(s)) expect(sim.inspect.holds(c, s), `${c}@${s}`).toEqual([])
      }
      // once anything arrived, the backup host has the tree
      if (ours(ROOT.replace('tank', 'backup'), 'nas').length > 0)
        for (const c of CHILDREN) expect(ours(remoteOf(c), 'nas').length, remoteOf(c)).toBeGreaterThan(0)
    }
    // calm: a last sync interval without faults; every descendant on the backup host caught up
    for (let i = 0; i < 6; i++) {
      await daemon.cycleOnce(signal)
      await clock.advance(STEP)
      await daemon.internals.monitor.pollOnce()
    }
    const receipts = sim.inspect.receipts()
    expect(receipts.filter((x) => x.failure !== undefined).length).toBe(3)
    expect(receipts.filter((x) => x.failure === undefined).length).toBeGreaterThan(DAYS * 8)
    const newest = sim.inspect.snapshots(ROOT).at(-1)
    for (const c of CHILDREN) {
      expect(sim.inspect.snapshots(remoteOf(c), 'nas'), remoteOf(c)).toContain(bases().at(-1))
      // `zfs recv -F` of -R streams: the backup keeps what the source keeps, and nothing else
      expect(ours(remoteOf(c), 'nas')).toEqual(
        ours(c).filter((s) => sim.inspect.snapshots(remoteOf(c), 'nas').includes(s)),
      )
    }
    expect(newest).toBeDefined()
    expect(basesSeen).toBeGreaterThan(0)
    expect(moved).toBeGreaterThan(DAYS * 4)
    expect(sim.inspect.violations()).toEqual([])
  }, 60_000)
})
