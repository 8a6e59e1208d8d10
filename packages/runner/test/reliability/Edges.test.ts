/**
 * Bad input at the edges.
 * - Config: dataset and host names with shell metacharacters, `@` or `#` are rejected at load time, each
 *   error naming its path (the API builds shell strings in places, contract §1.1; `@`/`#` would address a
 *   snapshot or bookmark instead of a dataset).
 * - API replies, through the real client and the simulator: unexpected extra fields are accepted, missing
 *   fields are a `Decode` error naming the field.
 * - Daemon: a malformed holds reply means no destroy or release for that dataset that cycle (the other
 *   dataset carries on); a malformed migration listing means no destroy and no new sync anywhere that cycle.
 */
import { SnapshotName } from '@zfs-autobackup/core'
import type { RpcError } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { decodeConfig } from '../../src/config/Decode.js'
import { MINUTE, makeWorld, openPolicy, type World } from './World.js'

// -------------------------------------------------------------------------------------
// config
// -------------------------------------------------------------------------------------

const configWith = (local: string, remoteHost: string, remoteDataset: string) =>
  stringify({
    server: { backup_interval: 600, timezone: 'UTC' },
    zfs_api: { url: 'http://localhost:8545' },
    datasets: [
      { local_dataset: local, destinations: [{ remote_host: remoteHost, remote_dataset: remoteDataset }] },
    ],
  })

const problemPaths = (text: string): ReadonlyArray<string> => {
  const r = decodeConfig(text, { defaultZone: 'UTC' })
  return E.isRight(r) ? [] : r.left.flatMap((e) => (e._tag === 'InvalidField' ? [e.path] : []))
}

const BAD_NAMES = [
  'tank/a;rm -rf /',
  'tank/a|cat',
  'tank/a&&reboot',
  'tank/$(reboot)',
  'tank/`id`',
  'tank/a b',
  'tank/a>x',
  "tank/a'",
  'tank/a"',
  'tank/a\\b',
  'tank/a*',
  'tank/a\nb',
  'tank/a@snap',
  'tank/a#bookmark',
  'tank/a@',
  '#tank',
]

describe('config: names that could reach a shell or address a snapshot are rejected', () => {
  it('accepts the plain names (control)', () => {
    expect(problemPaths(configWith('tank/a', 'nas-1.example.org', 'backup/a'))).toEqual([])
  })

  it.each(BAD_NAMES)('local_dataset %j', (name) => {
    expect(problemPaths(configWith(name, 'nas', 'backup/a'))).toEqual(['datasets[0].local_dataset'])
  })

  it.each(BAD_NAMES)('remote_dataset %j', (name) => {
    expect(problemPaths(configWith('tank/a', 'nas', name))).toEqual([
      'datasets[0].destinations[0].remote_dataset',
    ])
  })

  it.each(['nas;reboot', 'nas|x', 'root@nas', 'nas#1', 'nas x', '$(nas)', 'nas`', 'nas:tank/x', 'nas/x'])(
    'remote_host %j',
    (host) => {
      expect(problemPaths(configWith('tank/a', host, 'backup/a'))).toEqual([
        'datasets[0].destinations[0].remote_host',
      ])
    },
  )
})

// -------------------------------------------------------------------------------------
// API replies through the real client
// -------------------------------------------------------------------------------------

const world = (datasets: ReadonlyArray<string> = ['tank/a'], sync = false) =>
  makeWorld({
    seed: 9,
    start: Date.UTC(2026, 8, 1, 9, 0),
    zone: 'UTC',
    policy: openPolicy({
      backupIntervalSeconds: 60,
      retention: { frequent: 3 },
      syncIntervalSeconds: 3600,
      sync,
    }),
    datasets: datasets.map((dataset) => ({
      dataset,
      recursive: false,
      destinations: sync
        ? [{ remoteHost: 'nas', remoteDataset: `backup/${dataset.split('/')[1]}`, enabled: true }]
        : [],
    })),
  })

/** The next `method` call runs, and its reply's result is replaced by `result`. */
const reply = (w: World, method: string, result: unknown) => {
  // The call must succeed for its result to be replaced: give destroy and release something to act on.
  if (method === 'snapshot_destroy') w.sim.seed.snapshots('tank/a', ['x'])
  if (method === 'snapshot_release') w.sim.seed.snapshots('tank/a', ['x'], { holds: ['keep'] })
  w.sim.faults.script(method, [{ kind: 'wrongShape', result }])
}

const decodeError = (r: E.Either<RpcError, unknown>): RpcError => {
  if (E.isRight(r)) throw new Error(`expected a decode error, got ${JSON.stringify(r.right)}`)
  return r.left
}

/** A task as the simulator's `migration_get` renders it (the real wire shape). */
const wireTask = async (w: World): Promise<Record<string, unknown>> => {
  w.sim.seed.snapshots('tank/a', ['s1'])
  const created = await w.client.migrationCreate({
    source: 'tank/a@s1',
    destination: 'backup/a',
    remote: 'nas',
  })()
  expect(E.isRight(created)).toBe(true)
  return { ...w.sim.inspect.migrations()[0]! }
}

describe('API replies: extra fields accepted, missing fields rejected (client over the simulator)', () => {
  it.each([
    ['snapshot_list', { dataset: 'tank/a', snapshots: ['x'], count: 1 }, ['x']],
    ['snapshot_holds_list', { dataset: 'tank/a', snapshot: 'x', holds: ['keep'], recursive: false }, 'keep'],
    ['snapshot_create', { dataset: 'tank/a', snapshot: 'x', created: true, guid: '123' }, undefined],
    ['snapshot_destroy', { snapshot: 'tank/a@x', destroyed: true, freed: 42 }, undefined],
    ['snapshot_release', { dataset: 'tank/a', snapshot: 'x', released: 'keep', at: 'now' }, undefined],
    ['migration_create', { task_id: 'abc', status: 'created', message: 'ok', queue: 3 }, 'abc'],
  ])('%s with extra fields', async (method, result, expected) => {
    const w = world()
    reply(w, method, result)
    const c = w.client
    const r = await {
      snapshot_list: () => c.snapshotList('tank/a')(),
      snapshot_holds_list: async () =>
        E.map((m: ReadonlyMap<string, ReadonlyArray<string>>) => m.get('x')?.[0])(
          await c.holdsList('tank/a', ['x'])(),
        ),
      snapshot_create: () => c.snapshotCreate('tank/a', 'x', false)(),
      snapshot_destroy: () => c.snapshotDestroy('tank/a', 'x')(),
      snapshot_release: () => c.snapshotRelease('tank/a', 'x', 'keep')(),
      migration_create: async () =>
        E.map((t: { readonly taskId: string }) => t.taskId)(
          await c.migrationCreate({ source: 'tank/a@x', destination: 'b/a', remote: 'nas' })(),
        ),
    }[method]!()
    expect(r).toEqual(E.right(expected))
  })

  it.each([
    ['snapshot_list', { dataset: 'tank/a' }, 'snapshots'],
    ['snapshot_list', { dataset: 'tank/a', snapshots: 'x' }, 'snapshots'],
    ['snapshot_holds_list', { dataset: 'tank/a', snapshot: 'x' }, 'holds'],
    ['snapshot_holds_list', { dataset: 'tank/a', snapshot: 'x', holds: [1] }, 'holds'],
    ['snapshot_create', { dataset: 'tank/a', snapshot: 'x' }, 'created'],
    ['snapshot_destroy', { snapshot: 'tank/a@x' }, 'destroyed'],
    ['snapshot_release', { dataset: 'tank/a', snapshot: 'x' }, 'released'],
    ['migration_create', { status: 'created' }, 'task_id'],
  ])('%s without a field: %j', async (method, result, field) => {
    const w = world()
    reply(w, method, result)
    const c = w.client
    const r = await {
      snapshot_list: () => c.snapshotList('tank/a')(),
      snapshot_holds_list: () => c.holdsList('tank/a', ['x'])(),
      snapshot_create: () => c.snapshotCreate('tank/a', 'x', false)(),
      snapshot_destroy: () => c.snapshotDestroy('tank/a', 'x')(),
      snapshot_release: () => c.snapshotRelease('tank/a', 'x', 'keep')(),
      migration_create: () => c.migrationCreate({ source: 'tank/a@x', destination: 'b/a', remote: 'nas' })(),
    }[method]!()
    const e = decodeError(r)
    expect(e._tag).toBe('Decode')
    expect(e.method).toBe(method)
    if (e._tag === 'Decode') expect(e.path).toContain(field)
  })

  it('migration_get and migration_list: extra fields (top level and nested) accepted', async () => {
    const w = world()
    const task = await wireTask(w)
    const extra = {
      ...task,
      worker: 'w-1',
      params: { ...(task['params'] as object), ssh_port: 22 },
      progress: {
        timestamp: 't',
        task_id: task['id'],
        status: 'progress',
        bytes_transferred: 1,
        bytes_total: 2,
        percentage: 50,
        rate_mbps: 1,
        eta_seconds: 1,
        elapsed_seconds: 1,
        phase: 'send',
      },
    }
    reply(w, 'migration_get', extra)
    const got = await w.client.migrationGet(String(task['id']))()
    expect(E.isRight(got) && got.right.progress?.percentage).toBe(50)
    reply(w, 'migration_list', { tasks: [extra], total: 1, truncated: false })
    const listed = await w.client.migrationList()()
    expect(E.isRight(listed) && listed.right.map((t) => t.id)).toEqual([task['id']])
  })

  it.each(['id', 'status', 'params'])(
    'migration_get and migration_list without %s: rejected',
    async (field) => {
      const w = world()
      const task = await wireTask(w)
      const { [field]: _dropped, ...missing } = task
      reply(w, 'migration_get', missing)
      const got = decodeError(await w.client.migrationGet(String(task['id']))())
      expect(got._tag === 'Decode' && got.path).toContain(field)
      reply(w, 'migration_list', { tasks: [missing] })
      const listed = decodeError(await w.client.migrationList()())
      expect(listed._tag === 'Decode' && listed.path).toContain(field)
    },
  )
})

// -------------------------------------------------------------------------------------
// the daemon
// -------------------------------------------------------------------------------------

/** Ten of our snapshots from the night before: seven beyond the retention of 3. */
const backlog = (w: World, dataset: string) =>
  w.sim.seed.snapshots(
    dataset,
    Array.from({ length: 10 }, (_, i) => SnapshotName.format('frequent', Date.UTC(2026, 7, 31, 22, i))),
  )

const destroyedIn = (w: World, from: number): ReadonlyMap<string, number> => {
  const out = new Map<string, number>()
  for (const m of w.sim.inspect.mutations().slice(from))
    if (m.method === 'snapshot_destroy' || m.method === 'snapshot_release') {
      const d = String(m.params['dataset'])
      out.set(d, (out.get(d) ?? 0) + 1)
    }
  return out
}

describe('the daemon on malformed replies', () => {
  it.each([
    ['missing holds', { dataset: 'tank/a', snapshot: 'x' }],
    ['holds not a list', { dataset: 'tank/a', snapshot: 'x', holds: 'keep' }],
    ['no object at all', 'holds'],
  ])(
    'holds reply with %s: no destroy for that dataset this cycle, the other carries on',
    async (_what, bad) => {
      const w = world(['tank/a', 'tank/b'])
      backlog(w, 'tank/a')
      backlog(w, 'tank/b')
      reply(w, 'snapshot_holds_list', bad)
      w.start()
      await w.clock.advance(0)
      const first = destroyedIn(w, 0)
      // exactly one dataset got the malformed reply: it destroyed nothing, the other worked off its backlog
      expect([...first.values()]).toEqual([8])
      const mark = w.sim.inspect.mutations().length
      await w.clock.advance(MINUTE)
      expect([...destroyedIn(w, mark).values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(8)
      for (const d of ['tank/a', 'tank/b'])
        expect(w.sim.inspect.snapshots(d).filter(SnapshotName.isOurs)).toHaveLength(3)
      await w.stop()
    },
  )

  it('migration listing without `tasks`: no destroy and no new sync anywhere this cycle, both next cycle', async () => {
    const w = world(['tank/a', 'tank/b'], true)
    backlog(w, 'tank/a')
    backlog(w, 'tank/b')
    reply(w, 'migration_list', { total: 0 })
    w.start()
    await w.clock.advance(0)
    expect(destroyedIn(w, 0).size).toBe(0)
    expect(w.sim.inspect.counts().byMethod['migration_create'] ?? 0).toBe(0)
    expect(w.sim.inspect.snapshots('tank/a').filter(SnapshotName.isOurs)).toHaveLength(11) // created, kept all
    await w.clock.advance(MINUTE)
    expect(w.sim.inspect.counts().byMethod['migration_create']).toBe(2)
    expect(destroyedIn(w, 0).size).toBe(2)
    await w.stop()
  })
})
