import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as HoldsCache from '../../src/daemon/HoldsCache.js'
import * as MigrationMonitor from '../../src/daemon/MigrationMonitor.js'
import * as SyncFailures from '../../src/daemon/SyncFailures.js'
import { pushTask } from './FakeApi.js'
import { harness } from './Harness.js'

const m = { taskId: 'task-1', dataset: 'tank/a', remoteHost: 'nas', remoteDataset: 'backup/a' }

describe('MigrationMonitor progress lines (property)', () => {
  it('a line only for a new 10 % step at least 30 s after the previous one, or after 5 min of silence', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            gap: fc.integer({ min: 1000, max: 400_000 }),
            rise: fc.float({ min: 0, max: 30, noNaN: true }),
          }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        async (ticks) => {
          const h = harness({ 'tank/a': ['s1'] })
          h.api.tasks.set(
            'task-1',
            pushTask('task-1', { source: 'tank/a@s1', destination: 'backup/a', remote: 'nas' }, 'running'),
          )
          const monitor = MigrationMonitor.make(h.caps, HoldsCache.make(), SyncFailures.make(), {
            ...MigrationMonitor.defaults,
            zone: () => 'UTC',
          })
          monitor.track(m, [], 'started')
          let pct = 0
          const logged: Array<{ at: number; step: number }> = []
          const seen: Array<{ at: number; step: number }> = []
          for (const t of ticks) {
            await h.clock.advance(t.gap)
            pct = Math.min(100, pct + t.rise)
            h.api.setTask('task-1', {
              progress: {
                timestamp: '',
                bytesTransferred: 0,
                bytesTotal: null,
                percentage: pct,
                rateMiBps: 1,
                etaSeconds: 1,
                elapsedSeconds: 1,
              },
            })
            const before = h.log.lines.length
            await monitor.pollOnce()
            const at = h.clock.now()
            const step = Math.floor(pct / 10)
            seen.push({ at, step })
            if (h.log.lines.slice(before).some((l) => l.message.includes('MiB/s'))) logged.push({ at, step })
            else {
              // silence is only allowed when a line was due neither by step nor by heartbeat
              const last = logged.at(-1)
              expect(last).toBeDefined()
              const since = at - last!.at
              expect(
                since < 300_000 && (since < 30_000 || step <= Math.max(...logged.map((l) => l.step))),
              ).toBe(true)
            }
          }
          expect(logged[0]).toEqual(seen[0]) // the first tick is always shown
          for (let i = 1; i < logged.length; i++) {
            const since = logged[i]!.at - logged[i - 1]!.at
            const maxStep = Math.max(...logged.slice(0, i).map((l) => l.step))
            expect(since >= 300_000 || (since >= 30_000 && logged[i]!.step > maxStep)).toBe(true)
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})
