import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { VirtualClock } from '../../src/Clock.js'
import { makeSimulator } from '../../src/testing/index.js'

type Op =
  | { readonly op: 'create' }
  | { readonly op: 'destroy'; readonly pick: number }
  | { readonly op: 'sync' }

const ops = fc.array(
  fc.oneof(
    fc.constant<Op>({ op: 'create' }),
    fc.nat(20).map<Op>((pick) => ({ op: 'destroy', pick })),
    fc.constant<Op>({ op: 'sync' }),
  ),
  { maxLength: 40 },
)

const isNasSync = (t: string) => t.startsWith('sync_') && t.split('_')[2] === 'nas'

describe('migration model properties (random create / destroy / sync histories)', () => {
  it('the destination is a subsequence of the source history; one sync point per side, present on both', async () => {
    await fc.assert(
      fc.asyncProperty(ops, async (history) => {
        const clock = new VirtualClock(Date.UTC(2026, 0, 1))
        const sim = makeSimulator({
          clock,
          migration: { bytesPerSnapshot: 1024, bytesPerSecond: 1024, overheadMs: 100 },
        })
        sim.seed.dataset('tank/data')
        const call = async (method: string, params: unknown) => {
          const r = await sim.handle({
            method: 'POST',
            path: '/',
            remoteAddress: '127.0.0.1',
            body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }),
          })
          return r._tag === 'Http' ? (JSON.parse(r.body) as { result?: Record<string, unknown> }) : {}
        }
        const everCreated: string[] = []
        for (const [i, o] of history.entries()) {
          const local = sim.inspect.snapshots('tank/data')
          if (o.op === 'create') {
            everCreated.push(`s${i}`)
            await call('snapshot_create', { dataset: 'tank/data', name: `s${i}` })
          } else if (o.op === 'destroy' && local.length > 0) {
            await call('snapshot_destroy', { dataset: 'tank/data', snapshot: local[o.pick % local.length] })
          } else if (o.op === 'sync' && local.length > 0) {
            const created = await call('migration_create', {
              source: `tank/data@${local.at(-1)}`,
              destination: 'backup/data',
              remote: 'nas',
            })
            await clock.advance(3_600_000)
            const task = await call('migration_get', { task_id: created.result?.['task_id'] })
            expect(task.result?.['status']).toBe('completed')
          }
        }
        const remote = sim.inspect.snapshots('backup/data', 'nas')
        // Subsequence: every remote name appears in the source history, in the same order.
        let at = 0
        for (const name of remote) {
          at = everCreated.indexOf(name, at)
          expect(at).toBeGreaterThanOrEqual(0)
        }
        const localMarked = sim.inspect
          .snapshots('tank/data')
          .filter((s) => sim.inspect.holds('tank/data', s).some(isNasSync))
        const remoteMarked = remote.filter((s) => sim.inspect.holds('backup/data', s, 'nas').some(isNasSync))
        expect(localMarked.length).toBeLessThanOrEqual(1)
        expect(remoteMarked).toEqual(localMarked)
        expect(sim.inspect.violations()).toEqual([])
      }),
      { numRuns: 60 },
    )
  })
})
