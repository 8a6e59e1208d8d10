import type { InFlightListing } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as HoldsCache from '../../src/daemon/HoldsCache.js'
import * as StateReader from '../../src/daemon/StateReader.js'
import * as SyncFailures from '../../src/daemon/SyncFailures.js'
import { pushTask, remote } from './FakeApi.js'
import { harness } from './Harness.js'

const setup = (initial: Record<string, string[]>) => {
  const h = harness(initial)
  const cache = HoldsCache.make()
  const failures = SyncFailures.make()
  const reader = StateReader.make(h.caps, cache, failures, () => [])
  const read = async (ds: ReadonlyArray<string>, descendants?: ReadonlySet<string>) => {
    const r = await reader.read(ds, descendants)
    if (E.isLeft(r)) throw new Error('down')
    return r.right
  }
  const obs = (s: StateReader.CycleState, d: string) => {
    const x = s.byDataset.get(d)
    if (x === undefined || E.isLeft(x)) throw new Error(`no state for ${d}`)
    return x.right
  }
  return { ...h, cache, failures, read, obs }
}

const task = (id: string, source: string, status: 'pending' | 'running' | 'completed', remoteHost = 'nas') =>
  pushTask(id, { source, destination: 'backup/x', remote: remoteHost }, status)

describe('StateReader', () => {
  it("a recursive migration of an ancestor is in flight on a tree's descendants; a plain one is not", async () => {
    const t = setup({ 'tank/a': ['s1'], 'tank/a/x': ['s1'], 'tank/a/x/y': ['s1'] })
    t.api.tasks.set('t1', {
      ...task('t1', 'tank/a@s1', 'running'),
      params: { ...task('t1', 'tank/a@s1', 'running').params, recursive: true },
    })
    t.api.tasks.set('t2', task('t2', 'tank/a/x@s1', 'pending'))
    const s = await t.read(['tank/a', 'tank/a/x', 'tank/a/x/y'], new Set(['tank/a/x', 'tank/a/x/y']))
    const ids = (d: string) => t.obs(s, d).observed.inFlight.map((m) => m.taskId)
    expect(ids('tank/a')).toEqual(['t1'])
    expect(ids('tank/a/x')).toEqual(['t2', 't1'])
    expect(ids('tank/a/x/y')).toEqual(['t1'])
    // only its own are adopted (listed) for a descendant
    expect(t.obs(s, 'tank/a/x/y').listedTasks).toEqual([])
    t.api.tasks.set('t1', task('t1', 'tank/a@s1', 'running'))
    const plain = await t.read(['tank/a', 'tank/a/x', 'tank/a/x/y'], new Set(['tank/a/x', 'tank/a/x/y']))
    expect(t.obs(plain, 'tank/a/x/y').observed.inFlight).toEqual([])
  })

  it('start-up: one batched listing, one migration listing, one holds batch per dataset', async () => {
    const t = setup({ 'tank/a': ['s1', 's2'], 'tank/b': ['s3'] })
    t.api.hold('tank/a', 's1', 'keep')
    const s = await t.read(['tank/a', 'tank/b'])
    expect(t.api.stats()).toEqual({
      httpRequests: 4,
      rpcCalls: 2 + 2 + 3,
      callsByMethod: { snapshot_list: 2, migration_list: 2, snapshot_holds_list: 3 },
    })
    expect(t.obs(s, 'tank/a').observed.holds).toEqual({
      _tag: 'Known',
      bySnapshot: new Map([['s1', ['keep']]]),
    })
    expect(s.holdsRead).toBe(3)
  })

  it('steady state: two HTTP round trips whatever the number of snapshots', async () => {
    const t = setup({ 'tank/a': Array.from({ length: 500 }, (_, i) => `s${i}`), 'tank/b': ['x'] })
    await t.read(['tank/a', 'tank/b'])
    const before = t.api.stats()
    await t.read(['tank/a', 'tank/b'])
    const after = t.api.stats()
    expect(after.httpRequests - before.httpRequests).toBe(2)
    expect(after.rpcCalls - before.rpcCalls).toBe(4)
  })

  it('a migration of tank/a is in flight for tank/a only (not tank/ab), keyed by remote and destination', async () => {
    const t = setup({ 'tank/a': ['s1'], 'tank/ab': ['s1'] })
    t.api.tasks.set('t1', task('t1', 'tank/a@s1', 'running'))
    t.api.tasks.set('t2', task('t2', 'tank/a@s0', 'completed'))
    const s = await t.read(['tank/a', 'tank/ab'])
    expect(t.obs(s, 'tank/a').observed.inFlight).toEqual([
      { taskId: 't1', remoteHost: 'nas', remoteDataset: 'backup/x', status: 'running' },
    ])
    expect(t.obs(s, 'tank/ab').observed.inFlight).toEqual([])
    expect(t.obs(s, 'tank/a').listedTasks.map((x) => x.id)).toEqual(['t1'])
  })

  it('asks only for the migrations in flight, never the whole task history', async () => {
    const t = setup({ 'tank/a': [] })
    let history = 0
    Object.assign(t.api, {
      migrationList: () => {
        history += 1
        return () => Promise.resolve(E.right([]))
      },
    })
    await t.read(['tank/a'])
    expect(history).toBe(0)
    expect(t.api.calls.filter((c) => c === 'migration_list')).toHaveLength(2) // pending + running
  })

  const listing = (t: ReturnType<typeof setup>, l: InFlightListing) =>
    Object.assign(t.api, { migrationsInFlight: () => () => Promise.resolve(E.right(l)) })

  it('a listing that may be truncated makes in-flight unknown everywhere, never "none"', async () => {
    const t = setup({ 'tank/a': ['s1'], 'tank/b': ['s1'] })
    listing(t, { tasks: [], undecodable: [], truncated: true })
    const s = await t.read(['tank/a', 'tank/b'])
    for (const d of ['tank/a', 'tank/b']) {
      expect(t.obs(s, d).inFlightKnown).toBe(false)
      expect(t.obs(s, d).observed.holds).toMatchObject({
        _tag: 'Unknown',
        why: expect.stringMatching(/incomplete/),
      })
    }
  })

  it('one undecodable task blocks only its own dataset, and is reported; one with no readable source blocks all', async () => {
    const t = setup({ 'tank/a': ['s1'], 'tank/b': ['s1'] })
    const bad = {
      id: 'odd',
      source: 'tank/a@s1',
      error: {
        _tag: 'Decode' as const,
        method: 'migration_list',
        path: 'result.tasks[0].status',
        message: 'x',
      },
    }
    listing(t, { tasks: [task('t2', 'tank/b@s1', 'running')], undecodable: [bad], truncated: false })
    const s = await t.read(['tank/a', 'tank/b'])
    expect(t.obs(s, 'tank/a').inFlightKnown).toBe(false)
    expect(t.obs(s, 'tank/a').observed.holds).toMatchObject({
      _tag: 'Unknown',
      why: expect.stringMatching(/task odd did not decode/),
    })
    expect(t.obs(s, 'tank/b').inFlightKnown).toBe(true)
    expect(t.obs(s, 'tank/b').observed.inFlight.map((m) => m.taskId)).toEqual(['t2'])
    expect(s.undecodableTasks).toEqual([bad])
    const { source: _, ...anonymous } = bad
    listing(t, { tasks: [], undecodable: [anonymous], truncated: false })
    const s2 = await t.read(['tank/a', 'tank/b'])
    expect(t.obs(s2, 'tank/b').inFlightKnown).toBe(false)
  })

  it('an empty listing of a dataset that had snapshots is a failed read, until 10 reads in a row agree', async () => {
    const t = setup({ 'tank/a': ['s1', 's2'], 'tank/b': [] })
    await t.read(['tank/a', 'tank/b'])
    t.api.snapshots.set('tank/a', []) // what the API answers when zfs list fails
    for (let i = 1; i < StateReader.EMPTY_READS_BELIEVED; i++) {
      const s = await t.read(['tank/a', 'tank/b'])
      expect(s.byDataset.get('tank/a')).toMatchObject(
        E.left({
          method: 'snapshot_list',
          message: expect.stringMatching(/no snapshots listed, though 2 were/),
        }),
      )
      expect(t.obs(s, 'tank/b').observed.snapshots).toEqual([]) // never had any: simply none
    }
    const believed = await t.read(['tank/a'])
    expect(t.obs(believed, 'tank/a').observed.snapshots).toEqual([])
  })

  it('a listing that comes back after an empty one resets the count', async () => {
    const t = setup({ 'tank/a': ['s1'] })
    await t.read(['tank/a'])
    t.api.snapshots.set('tank/a', [])
    expect(E.isLeft((await t.read(['tank/a'])).byDataset.get('tank/a')!)).toBe(true)
    t.api.snapshots.set('tank/a', ['s1'])
    expect(t.obs(await t.read(['tank/a']), 'tank/a').observed.snapshots).toEqual(['s1'])
    t.api.snapshots.set('tank/a', [])
    expect(E.isLeft((await t.read(['tank/a'])).byDataset.get('tank/a')!)).toBe(true)
  })

  it('a failed holds listing makes that dataset Unknown and leaves the others Known', async () => {
    const t = setup({ 'tank/a': ['s1'], 'tank/b': ['s2'] })
    t.api.failing.set('snapshot_holds_list', {
      error: remote('snapshot_holds_list', -32034, 'boom'),
      sticky: false,
    })
    const s = await t.read(['tank/a', 'tank/b'])
    expect(t.obs(s, 'tank/a').observed.holds._tag).toBe('Unknown')
    expect(t.obs(s, 'tank/b').observed.holds._tag).toBe('Known')
    const again = await t.read(['tank/a', 'tank/b'])
    expect(t.obs(again, 'tank/a').observed.holds._tag).toBe('Known')
  })

  it('after a holds read got no answer in time, no other holds read starts that cycle; the next cycle reads them', async () => {
    const t = setup({ 'tank/a': ['s1'], 'tank/b': ['s2'], 'tank/c': ['s3'] })
    t.api.failing.set('snapshot_holds_list', {
      error: {
        _tag: 'Transport',
        method: 'snapshot_holds_list',
        message: 'no reply within 30000 ms',
        timedOut: true,
      },
      sticky: false,
    })
    const s = await t.read(['tank/a', 'tank/b', 'tank/c'])
    expect(s.holdsRead).toBe(1)
    expect(t.api.stats().callsByMethod['snapshot_holds_list']).toBe(1)
    expect(t.obs(s, 'tank/a').observed.holds).toMatchObject({
      _tag: 'Unknown',
      why: expect.stringContaining('timed out'),
    })
    for (const d of ['tank/b', 'tank/c'])
      expect(t.obs(s, d).observed.holds).toMatchObject({
        _tag: 'Unknown',
        why: expect.stringContaining(
          'holds not read this cycle: an earlier read got no answer in time or was rate limited',
        ),
      })
    const again = await t.read(['tank/a', 'tank/b', 'tank/c'])
    for (const d of ['tank/a', 'tank/b', 'tank/c']) expect(t.obs(again, d).observed.holds._tag).toBe('Known')
    expect(t.api.stats().callsByMethod['snapshot_holds_list']).toBe(4)
  })

  it('keeps the holds read when some items fail, Unknown until the rest are read, then re-reads only those', async () => {
    const h = harness({ 'tank/a': ['s1', 's2', 's3', 's4'] })
    h.api.hold('tank/a', 's2', 'keep')
    const failing = new Set(['s2', 's4'])
    const boom = remote('snapshot_holds_list', -32034, 'Failed to list holds: exception')
    const api = {
      ...h.api,
      holdsListEach: (d: string, ss: ReadonlyArray<string>) => async () =>
        E.map((items: ReadonlyArray<E.Either<typeof boom, ReadonlyArray<string>>>) =>
          items.map((x, i) => (failing.has(ss[i]!) ? E.left(boom) : x)),
        )(await h.api.holdsListEach(d, ss)()),
    }
    const reader = StateReader.make({ ...h.caps, api }, HoldsCache.make(), SyncFailures.make(), () => [])
    const holdsOf = async () => {
      const r = await reader.read(['tank/a'])
      const x = E.isRight(r) ? r.right.byDataset.get('tank/a') : undefined
      if (x === undefined || E.isLeft(x)) throw new Error('no state')
      return { holds: x.right.observed.holds, read: E.isRight(r) ? r.right.holdsRead : -1 }
    }
    const first = await holdsOf()
    expect(first).toEqual({
      holds: { _tag: 'Unknown', why: expect.stringContaining('holds listing failed for 2 of 4 snapshots') },
      read: 4,
    })
    failing.delete('s2')
    // Only the two that failed are asked again; s4 fails again: still Unknown, s2's hold not reported alone.
    expect((await holdsOf()).holds._tag).toBe('Unknown')
    failing.clear()
    expect(await holdsOf()).toEqual({
      holds: { _tag: 'Known', bySnapshot: new Map([['s2', ['keep']]]) },
      read: 1,
    })
    expect(h.api.stats().callsByMethod['snapshot_holds_list']).toBe(4 + 2 + 1)
  })

  it('a failed migration listing: holds Unknown (nothing destroyed) and no sync may start', async () => {
    const t = setup({ 'tank/a': ['s1'] })
    t.api.failing.set('migration_list', {
      error: remote('migration_list', -32100, 'Migration service not available'),
      sticky: false,
    })
    const s = await t.read(['tank/a'])
    expect(t.obs(s, 'tank/a').observed.holds._tag).toBe('Unknown')
    expect(t.obs(s, 'tank/a').inFlightKnown).toBe(false)
  })

  it('re-reads every hold of a dataset once a migration of it leaves the in-flight list', async () => {
    const t = setup({ 'tank/a': ['s1', 's2'], 'tank/b': ['x'] })
    t.api.tasks.set('t1', task('t1', 'tank/a@s2', 'running'))
    await t.read(['tank/a', 'tank/b'])
    t.api.setTask('t1', { status: 'completed' })
    t.api.hold('tank/a', 's2', 'sync_2026-11-27-13-00-00_nas')
    const before = t.api.stats().callsByMethod['snapshot_holds_list'] ?? 0
    const s = await t.read(['tank/a', 'tank/b'])
    expect((t.api.stats().callsByMethod['snapshot_holds_list'] ?? 0) - before).toBe(2)
    expect(t.obs(s, 'tank/a').observed.holds).toEqual({
      _tag: 'Known',
      bySnapshot: new Map([['s2', ['sync_2026-11-27-13-00-00_nas']]]),
    })
  })

  it('a dataset whose listing failed is a Left; the API down is a Left for the whole read', async () => {
    const t = setup({ 'tank/a': ['s1'] })
    t.api.down = true
    const reader = StateReader.make(t.caps, t.cache, t.failures, () => [])
    expect(E.isLeft(await reader.read(['tank/a']))).toBe(true)
  })

  it('merges migrations the daemon tracks that the listing missed', async () => {
    const t = setup({ 'tank/a': ['s1'] })
    const mine = { taskId: 'x9', remoteHost: 'nas', remoteDataset: 'b', status: 'pending' as const }
    const reader = StateReader.make(t.caps, t.cache, t.failures, (d) => (d === 'tank/a' ? [mine] : []))
    const r = await reader.read(['tank/a'])
    const a = E.isRight(r) ? r.right.byDataset.get('tank/a') : undefined
    expect(a !== undefined && E.isRight(a) ? a.right.observed.inFlight : undefined).toEqual([mine])
  })

  it("a migration the daemon tracks for a tree's root is in flight on every descendant, not above the root", async () => {
    const t = setup({ tank: ['s1'], 'tank/a': ['s1'], 'tank/a/x': ['s1'], 'tank/a/x/y': ['s1'] })
    const sends = { taskId: 'r1', remoteHost: 'nas', remoteDataset: 'b/a', status: 'running' as const }
    const other = { taskId: 'p1', remoteHost: 'nas', remoteDataset: 'b', status: 'running' as const }
    // `tank` is configured on its own (not recursive); `tank/a` is the tree's root.
    const tracked = (d: string) => (d === 'tank/a' ? [sends] : d === 'tank' ? [other] : [])
    const reader = StateReader.make(t.caps, t.cache, t.failures, tracked)
    const r = await reader.read(
      ['tank', 'tank/a', 'tank/a/x', 'tank/a/x/y'],
      new Set(['tank/a/x', 'tank/a/x/y']),
    )
    const ids = (d: string) => {
      const x = E.isRight(r) ? r.right.byDataset.get(d) : undefined
      return x !== undefined && E.isRight(x) ? x.right.observed.inFlight.map((m) => m.taskId) : undefined
    }
    expect(['tank', 'tank/a', 'tank/a/x', 'tank/a/x/y'].map(ids)).toEqual([['p1'], ['r1'], ['r1'], ['r1']])
  })
})
