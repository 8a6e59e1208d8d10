import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Destination } from '../src/Policy.js'
import * as SyncDecision from '../src/SyncDecision.js'
import { minuteArb, syncTagArb } from '../src/testing/index.js'
import { policy, replicationOf } from './fixtures.js'
import { runs } from './runs.js'

// Few hosts and datasets, so in-flight migrations and failures often share one of the two with the
// destination but not both (decisions §9: only the same (host, remote dataset) blocks).
const hostArb = fc.constantFrom('10.0.0.5', '10.0.0.6', 'nas_b')
const remoteArb = fc.constantFrom('backup/data', 'backup/other')
const pairArb = fc.record({ remoteHost: hostArb, remoteDataset: remoteArb })
const HOUR = 3_600_000

const caseArb = fc
  .record({
    dest: pairArb,
    intervalSeconds: fc.constantFrom(1, 30, 600, 3600, 7200, 86_400),
    now: minuteArb(),
    inFlight: fc.array(pairArb, { maxLength: 3 }),
    failed: fc.uniqueArray(
      fc.record({
        pair: pairArb,
        consecutive: fc.integer({ min: 0, max: 60 }),
        // Around the end of the back-off (§10: −1 ms, exactly, +1 ms) or anywhere within a day.
        delta: fc.oneof(fc.constantFrom(-1, 0, 1), fc.integer({ min: -24 * HOUR, max: 24 * HOUR })),
      }),
      { maxLength: 3, selector: (f) => `${f.pair.remoteHost}|${f.pair.remoteDataset}` },
    ),
  })
  .map((c) => ({
    ...c,
    failures: c.failed.map((f) => {
      // Oracle of §10 written out: min(backup_interval × 2^(k−1), 6 h).
      const backOff =
        f.consecutive > 0 ? Math.min(c.intervalSeconds * 1000 * 2 ** (f.consecutive - 1), 6 * HOUR) : 0
      return { ...f.pair, consecutive: f.consecutive, lastFailureAt: c.now - backOff - f.delta, backOff }
    }),
  }))

describe('SyncDecision properties', () => {
  it('blocks for the same host in flight (§9 as amended), else for the same (host, remote dataset) back-off until exactly F + min(i × 2^(k−1), 6 h)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const d: Destination = { ...c.dest, enabled: true }
        const same = (x: { remoteHost: string; remoteDataset: string }) =>
          x.remoteHost === d.remoteHost && x.remoteDataset === d.remoteDataset
        const inFlight = c.inFlight.map((p, k) => ({ ...p, taskId: `t${k}`, status: 'running' as const }))
        const r = SyncDecision.decide(
          {
            dataset: 'tank/data',
            now: c.now,
            policy: policy({ backupIntervalSeconds: c.intervalSeconds }),
            calendar: { weekdayIndex: 0, hour: 0, localTime: 'Mon' },
            source: 's1',
            holds: { _tag: 'Known', bySnapshot: new Map() },
            replication: [],
            inFlight,
            failures: c.failures,
          },
          d,
        )
        // §9 as amended: any migration of the dataset to the same host blocks.
        const running = inFlight.find(same) ?? inFlight.find((x) => x.remoteHost === d.remoteHost)
        const failure = c.failures.find(same)
        if (running !== undefined) expect(r.reason).toEqual({ _tag: 'InFlight', taskId: running.taskId })
        else if (
          failure !== undefined &&
          failure.consecutive > 0 &&
          c.now - failure.lastFailureAt < failure.backOff
        )
          expect(r.reason).toEqual({
            _tag: 'BackingOff',
            failures: failure.consecutive,
            until: failure.lastFailureAt + failure.backOff,
          })
        else expect(r).toMatchObject({ _tag: 'StartSync', reason: { _tag: 'NeverSynced' } })
      }),
      runs(2000),
    )
  })

  it('back-off boundary values: 1 failure waits one interval, doubling, capped at 6 h from k = 7 (10 min)', () => {
    expect(SyncDecision.backOffMs(600, 1)).toBe(600_000)
    expect(SyncDecision.backOffMs(600, 2)).toBe(1_200_000)
    expect(SyncDecision.backOffMs(600, 6)).toBe(19_200_000) // 5 h 20 min, below the cap
    expect(SyncDecision.backOffMs(600, 7)).toBe(6 * HOUR) // 10 h 40 min capped
    expect(SyncDecision.backOffMs(21_600, 1)).toBe(6 * HOUR) // exactly the cap
    expect(SyncDecision.backOffMs(86_400, 1)).toBe(6 * HOUR) // interval above the cap
    expect(SyncDecision.backOffMs(600, 0)).toBe(0)
  })

  it('§7: due when the interval elapsed since the newest timestamp among the host’s tags, on any snapshot', () => {
    const snapshots = ['s0', 's1', 's2', 's3']
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...snapshots), syncTagArb(hostArb)), { maxLength: 8 }),
        hostArb,
        fc.constantFrom(600, 3600, 86_400),
        fc.integer({ min: -3, max: 3 }),
        (tagged, host, intervalSeconds, nudge) => {
          const bySnapshot = new Map<string, string[]>()
          for (const [s, t] of tagged) bySnapshot.set(s, [...(bySnapshot.get(s) ?? []), t])
          // In UTC a tag's wall time is its instant: the oracle reads the newest straight from the text.
          const walls = tagged
            .map(([, t]) => /^sync_(.{16}(?:-\d\d)?)_(.+)$/.exec(t)!)
            .filter((m) => m[2] === host)
            .map((m) => Date.parse(`${m[1]!.slice(0, 10)}T${m[1]!.slice(11).replace(/-/g, ':')}Z`))
          const last = walls.length === 0 ? undefined : Math.max(...walls)
          const now = (last ?? Date.parse('2026-06-01T00:00:00Z')) + intervalSeconds * 1000 + nudge
          const r = SyncDecision.decide(
            {
              dataset: 'tank/data',
              now,
              policy: policy({ remoteSync: { ...policy().remoteSync, intervalSeconds } }),
              calendar: { weekdayIndex: 0, hour: 0, localTime: 'Mon' },
              source: 's3',
              holds: { _tag: 'Known', bySnapshot },
              replication: replicationOf(snapshots, bySnapshot, 'UTC', [
                { remoteHost: host, remoteDataset: 'backup/data', enabled: true },
              ]),
              inFlight: [],
              failures: [],
            },
            { remoteHost: host, remoteDataset: 'backup/data', enabled: true },
          )
          if (last === undefined) expect(r.reason._tag).toBe('NeverSynced')
          else expect(r._tag).toBe(nudge >= 0 ? 'StartSync' : 'NoSync')
        },
      ),
      runs(1000),
    )
  })
})
