import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import { expect, describe as group, it } from 'vitest'
import { decodeResult } from '../src/DecodeFailure.js'
import * as M from '../src/MigrationCodecs.js'
import * as C from '../src/ReplyCodecs.js'
import { describeRpcError as describe } from '../src/RpcError.js'

// The real API's migration_get reply (contract §2.7), trimmed ids.
const REAL_TASK = {
  id: '9e23',
  status: 'completed',
  created_at: '2026-11-27T01:59:37.982505+00:00',
  started_at: '2026-11-27T01:59:37.985478+00:00',
  completed_at: '2026-11-27T01:59:38.613352+00:00',
  error: null,
  result: { return_code: 0, elapsed_seconds: 0.623 },
  progress: {
    timestamp: '2026-11-27T01:59:38.570957+00:00',
    task_id: '9e23',
    status: 'progress',
    bytes_transferred: 3145728,
    bytes_total: null,
    percentage: 0,
    rate_mbps: 423.0,
    eta_seconds: 0,
    elapsed_seconds: 0,
  },
  params: { source: 'tank/src@s2', destination: 'tank/dst', recursive: false, sync: true, limit: 5 },
}

const get = decodeResult('migration_get', M.MigrationGet)

group('migration task decoding', () => {
  it('decodes the real reply into camelCase, rate_mbps as MiB/s, extra fields ignored', () => {
    expect(get(REAL_TASK)).toEqual(
      E.right({
        id: '9e23',
        status: 'completed',
        createdAt: '2026-11-27T01:59:37.982505+00:00',
        startedAt: '2026-11-27T01:59:37.985478+00:00',
        completedAt: '2026-11-27T01:59:38.613352+00:00',
        error: null,
        result: { returnCode: 0, elapsedSeconds: 0.623, cancelled: false },
        progress: {
          timestamp: '2026-11-27T01:59:38.570957+00:00',
          bytesTransferred: 3145728,
          bytesTotal: null,
          percentage: 0,
          rateMiBps: 423,
          etaSeconds: 0,
          elapsedSeconds: 0,
        },
        params: { source: 'tank/src@s2', destination: 'tank/dst', recursive: false, sync: true, limit: 5 },
      }),
    )
  })

  it.each([
    ['null', null],
    ['{} (before the first pv tick)', {}],
  ])('progress %s → null', (_, progress) => {
    expect(E.map((t: { progress: unknown }) => t.progress)(get({ ...REAL_TASK, progress }))).toEqual(
      E.right(null),
    )
  })

  it('a cancel shows as completed with result.cancelled', () => {
    const r = get({ ...REAL_TASK, result: { return_code: -15, elapsed_seconds: 3.73, cancelled: true } })
    expect(E.map((t: { status: string; result: unknown }) => [t.status, t.result])(r)).toEqual(
      E.right(['completed', { returnCode: -15, elapsedSeconds: 3.73, cancelled: true }]),
    )
  })

  it('a list entry has no result; a REST-created task has no sync (the API defaults it to true)', () => {
    const { result: _, ...entry } = REAL_TASK
    const r = decodeResult(
      'migration_list',
      M.MigrationList,
    )({
      tasks: [{ ...entry, params: { source: 'tank/a', destination: 'h:tank/a', remote: null } }],
      total: 1,
    })
    expect(r).toEqual(
      E.right([
        expect.objectContaining({
          result: null,
          params: { source: 'tank/a', destination: 'h:tank/a', recursive: false, sync: true },
        }),
      ]),
    )
  })

  it.each([
    [
      { ...REAL_TASK, status: 'queued' },
      'migration_get: unexpected reply at result.status: expected "pending" | "running" | "completed" | "failed" | "cancelled", got "queued"',
    ],
    [
      { ...REAL_TASK, id: undefined },
      'migration_get: unexpected reply at result.id: expected string, got nothing (field missing)',
    ],
    [
      { ...REAL_TASK, started_at: 17 },
      'migration_get: unexpected reply at result.started_at: expected string | null, got 17',
    ],
    [
      { ...REAL_TASK, progress: { ...REAL_TASK.progress, rate_mbps: '423' } },
      'migration_get: unexpected reply at result.progress.rate_mbps: expected number, got "423"',
    ],
    [
      { ...REAL_TASK, progress: { timestamp: 'x' } },
      'migration_get: unexpected reply at result.progress.bytes_transferred: expected number, got nothing (field missing)',
    ],
    [
      { ...REAL_TASK, result: { return_code: 0 } },
      'migration_get: unexpected reply at result.result.elapsed_seconds: expected number, got nothing (field missing)',
    ],
    [
      { ...REAL_TASK, params: { destination: 'd' } },
      'migration_get: unexpected reply at result.params.source: expected string, got nothing (field missing)',
    ],
    ['not an object', 'migration_get: unexpected reply at result: expected an object, got "not an object"'],
  ])('rejects a mutated reply: %#', (reply, text) => {
    const r = get(reply)
    expect(E.isLeft(r) ? describe(r.left) : 'decoded').toBe(text)
  })
})

group('other replies', () => {
  it.each([
    ['snapshot_list', C.SnapshotList, { dataset: 'tank/a', snapshots: ['s1', 's2'] }, E.right(['s1', 's2'])],
    ['snapshot_list', C.SnapshotList, { dataset: 'tank/none', snapshots: [] }, E.right([])],
    [
      'snapshot_holds_list',
      C.SnapshotHoldsList,
      { dataset: 'a', snapshot: 's', holds: ['zz', 'keep'] },
      E.right(['zz', 'keep']),
    ],
    ['pool_list', C.PoolList, { pools: ['tank'] }, E.right(['tank'])],
    ['dataset_list', C.DatasetList, { datasets: ['tank', 'tank/a'] }, E.right(['tank', 'tank/a'])],
    [
      'auth_login',
      C.AuthLogin,
      { token: 'jwt', expires_in: 1800 },
      E.right({ token: 'jwt', expiresInSeconds: 1800 }),
    ],
    [
      'migration_create',
      C.MigrationCreated,
      { task_id: 'u', status: 'created', params: {} },
      E.right({ taskId: 'u' }),
    ],
    ['snapshot_create', C.SnapshotCreate, { dataset: 'a', snapshot: 's', created: true }, E.right(undefined)],
    ['snapshot_destroy', C.SnapshotDestroy, { snapshot: 'a@s', destroyed: true }, E.right(undefined)],
    ['migration_cancel', C.MigrationCancel, { task_id: 'u', cancelled: true }, E.right(undefined)],
  ] as const)('%s decodes %j', (method, codec, reply, expected) => {
    expect(decodeResult(method, codec as t.Decoder<unknown, unknown>)(reply)).toEqual(expected)
  })

  it.each([
    [
      'snapshot_list',
      C.SnapshotList,
      { dataset: 'a' },
      'result.snapshots: expected an array (ReadonlyArray<string>), got nothing (field missing)',
    ],
    [
      'snapshot_holds_list',
      C.SnapshotHoldsList,
      { holds: ['a', null] },
      'result.holds[1]: expected string, got null',
    ],
    ['pool_list', C.PoolList, [], 'result: expected an object, got []'],
    ['auth_login', C.AuthLogin, { token: 5, expires_in: 1800 }, 'result.token: expected string, got 5'],
    [
      'snapshot_destroy',
      C.SnapshotDestroy,
      { destroyed: false },
      'result.destroyed: expected true, got false',
    ],
    [
      'migration_create',
      C.MigrationCreated,
      { status: 'created' },
      'result.task_id: expected string, got nothing (field missing)',
    ],
  ] as const)('%s rejects %j', (method, codec, reply, text) => {
    const r = decodeResult(method, codec as t.Decoder<unknown, unknown>)(reply)
    expect(E.isLeft(r) ? describe(r.left) : 'decoded').toBe(`${method}: unexpected reply at ${text}`)
  })
})
