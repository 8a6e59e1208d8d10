import type { Action, DatasetObservation, Plan } from '@zfs-autobackup/core'
import type { RpcError } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as Executor from '../../src/daemon/Executor.js'
import * as HoldsCache from '../../src/daemon/HoldsCache.js'
import * as MigrationMonitor from '../../src/daemon/MigrationMonitor.js'
import * as StateReader from '../../src/daemon/StateReader.js'
import * as SyncFailures from '../../src/daemon/SyncFailures.js'
import * as Unconfirmed from '../../src/daemon/UnconfirmedCreates.js'
import { remote } from './FakeApi.js'
import { harness } from './Harness.js'

const D = 'tank/a'
const dest = { dataset: D, remoteHost: 'nas', remoteDataset: 'backup/a' }
const sync: Action = {
  _tag: 'StartSync',
  dataset: D,
  snapshot: 's3',
  remoteHost: 'nas',
  remoteDataset: 'backup/a',
  reason: { _tag: 'NeverSynced' },
}
const plan: Plan = { dataset: D, actions: [sync], decisions: [] }
const observed: DatasetObservation = {
  snapshots: ['s1', 's2', 's3'],
  holds: { _tag: 'Known', bySnapshot: new Map([['s2', ['sync_2026-11-27-01-00-00_nas']]]) },
  inFlight: [],
  failures: [],
}

const setup = () => {
  const h = harness({ [D]: ['s1', 's2', 's3'] })
  const cache = HoldsCache.make()
  const failures = SyncFailures.make()
  const monitor = MigrationMonitor.make(h.caps, cache, failures, {
    ...MigrationMonitor.defaults,
    zone: () => 'UTC',
  })
  const unconfirmed = Unconfirmed.make(60_000)
  const executor = Executor.make(h.caps, cache, failures, monitor, unconfirmed)
  const ctx = { inFlightKnown: true, stopRequested: () => false, observed }
  return { ...h, cache, failures, monitor, unconfirmed, executor, ctx }
}

const timedOut: RpcError = {
  _tag: 'Transport',
  method: 'migration_create',
  message: 'timeout',
  timedOut: true,
}

describe('UnconfirmedCreates', () => {
  it.each<[string, RpcError, boolean]>([
    ['a timeout', timedOut, true],
    ['a reset after sending', { _tag: 'Transport', method: 'm', message: 'reset', timedOut: false }, true],
    ['HTTP 502', { _tag: 'Http', method: 'm', status: 502, body: '' }, true],
    ['a reply that did not decode', { _tag: 'Decode', method: 'm', path: 'result', message: 'x' }, true],
    ['HTTP 429 (refused before dispatch)', { _tag: 'Http', method: 'm', status: 429, body: '' }, false],
    ['a JSON-RPC error (the API answered)', remote('migration_create', -32100, 'no service'), false],
    [
      'connection refused (never sent)',
      { _tag: 'Transport', method: 'm', message: 'refused', timedOut: false, code: 'ECONNREFUSED' },
      false,
    ],
  ])('%s is ambiguous: %s', (_, e, ambiguous) => {
    expect(Unconfirmed.isAmbiguous(e)).toBe(ambiguous)
  })

  it('counts as in flight until a listed task of that destination accounts for it', () => {
    const u = Unconfirmed.make(60_000)
    u.record(dest, 1000)
    expect(u.inFlight(D)).toMatchObject([{ remoteHost: 'nas', remoteDataset: 'backup/a' }])
    expect(u.inFlight(D)[0]).not.toHaveProperty('baseAtStart')
    u.settle(D, [{ remoteHost: 'nas', remoteDataset: 'other' }], 2000)
    expect(u.inFlight(D)).toHaveLength(1)
    u.settle(D, [{ remoteHost: 'nas', remoteDataset: 'backup/a' }], 3000)
    expect(u.inFlight(D)).toEqual([])
  })

  it('expires after the grace period, never before', () => {
    const u = Unconfirmed.make(60_000)
    u.record(dest, 1000)
    u.settle(D, [], 61_000)
    expect(u.inFlight(D)).toHaveLength(1)
    u.settle(D, [], 61_001)
    expect(u.inFlight(D)).toEqual([])
  })
})

describe('Executor and StateReader: what a sync start leaves for the next plans', () => {
  it('a started migration carries its host base from the observation the plan was made on', async () => {
    const t = setup()
    await t.executor.execute(plan, t.ctx)
    expect(t.monitor.inFlight(D)).toMatchObject([{ remoteHost: 'nas', baseAtStart: 's2' }])
  })

  it('with no base then, it carries null; with holds unknown, none at all (protects everything)', async () => {
    const t = setup()
    await t.executor.execute(plan, {
      ...t.ctx,
      observed: { ...observed, holds: { _tag: 'Known', bySnapshot: new Map() } },
    })
    expect(t.monitor.inFlight(D)).toMatchObject([{ baseAtStart: null }])
    const u = setup()
    await u.executor.execute(plan, {
      ...u.ctx,
      observed: { ...observed, holds: { _tag: 'Unknown', why: 'x' } },
    })
    expect(u.monitor.inFlight(D)[0]).not.toHaveProperty('baseAtStart')
  })

  it('a create with no answer blocks that destination and protects the dataset in the next read', async () => {
    const t = setup()
    t.api.failing.set('migration_create', { error: timedOut, sticky: false })
    await t.executor.execute(plan, t.ctx)
    expect(t.monitor.inFlight(D)).toEqual([])
    const reader = StateReader.make(t.caps, t.cache, t.failures, (d) => [
      ...t.monitor.inFlight(d),
      ...t.unconfirmed.inFlight(d),
    ])
    const r = await reader.read([D])
    const a = E.isRight(r) ? r.right.byDataset.get(D) : undefined
    const inFlight = a !== undefined && E.isRight(a) ? a.right.observed.inFlight : []
    expect(inFlight).toMatchObject([{ remoteHost: 'nas', remoteDataset: 'backup/a' }])
    expect(inFlight[0]).not.toHaveProperty('baseAtStart')
  })

  it('a definite refusal is only a failure (the back-off), not in flight', async () => {
    const t = setup()
    t.api.failing.set('migration_create', {
      error: remote('migration_create', -32100, 'Migration service not available'),
      sticky: false,
    })
    await t.executor.execute(plan, t.ctx)
    expect(t.unconfirmed.inFlight(D)).toEqual([])
  })

  it('a listed task the daemon started keeps its baseAtStart; one it did not start gets none', async () => {
    const t = setup()
    await t.executor.execute(plan, t.ctx)
    const started = t.monitor.inFlight(D)[0]!.taskId
    const other = await t.caps.api.migrationCreate({
      source: `${D}@s3`,
      destination: 'backup/b',
      remote: 'nas2',
      recursive: false,
    })()
    const reader = StateReader.make(t.caps, t.cache, t.failures, t.monitor.inFlight)
    const r = await reader.read([D])
    const a = E.isRight(r) ? r.right.byDataset.get(D) : undefined
    const inFlight = a !== undefined && E.isRight(a) ? a.right.observed.inFlight : []
    expect(inFlight.find((m) => m.taskId === started)).toMatchObject({ baseAtStart: 's2' })
    const foreign = inFlight.find((m) => E.isRight(other) && m.taskId === other.right.taskId)
    expect(foreign).toBeDefined()
    expect(foreign).not.toHaveProperty('baseAtStart')
  })
})
