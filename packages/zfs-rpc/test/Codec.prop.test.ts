import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { decodeResult } from '../src/DecodeFailure.js'
import * as M from '../src/MigrationCodecs.js'
import * as C from '../src/ReplyCodecs.js'
import * as A from './Arbitraries.js'

/** Through real JSON, as the value would travel. */
const wire = (u: unknown): unknown => JSON.parse(JSON.stringify(u))

const roundTrips = <T>(name: string, codec: t.Type<T, unknown, unknown>, arb: fc.Arbitrary<T>) =>
  it(`${name}: decode(encode(a)) = a`, () =>
    fc.assert(
      fc.property(arb, (a) => {
        expect(codec.decode(wire(codec.encode(a)))).toEqual(E.right(a))
      }),
    ))

describe('codec laws', () => {
  roundTrips('snapshot_list', C.SnapshotList, A.names)
  roundTrips('snapshot_holds_list', C.SnapshotHoldsList, A.names)
  roundTrips('dataset_list', C.DatasetList, A.names)
  roundTrips('pool_list', C.PoolList, A.names)
  roundTrips('auth_login', C.AuthLogin, fc.record({ token: fc.string(), expiresInSeconds: A.num }))
  roundTrips('GET /health', C.HealthReply, A.health)
  roundTrips('migration_create', C.MigrationCreated, fc.record({ taskId: fc.string() }))
  roundTrips('progress', M.Progress, fc.option(A.progress, { nil: null }))
  roundTrips('migration result', M.Result, A.result)
  roundTrips('migration params', M.Params, A.params)
  roundTrips('migration_get', M.MigrationGet, A.task)
  roundTrips('migration_list', M.MigrationList, fc.array(A.task, { maxLength: 5 }))
  roundTrips('snapshot_create ack', C.SnapshotCreate, fc.constant(undefined))
  roundTrips('snapshot_destroy ack', C.SnapshotDestroy, fc.constant(undefined))
  roundTrips('snapshot_hold ack', C.SnapshotHold, fc.constant(undefined))
  roundTrips('snapshot_release ack', C.SnapshotRelease, fc.constant(undefined))
  roundTrips('migration_cancel ack', C.MigrationCancel, fc.constant(undefined))
})

// Required wire leaves of a migration task and a value of the wrong type for each.
const LEAVES: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
  [['id'], 'result.id'],
  [['status'], 'result.status'],
  [['created_at'], 'result.created_at'],
  [['error'], 'result.error'],
  [['params'], 'result.params'],
  [['params', 'source'], 'result.params.source'],
  [['params', 'destination'], 'result.params.destination'],
]

const PROGRESS_LEAVES = [
  'timestamp',
  'bytes_transferred',
  'percentage',
  'rate_mbps',
  'eta_seconds',
  'elapsed_seconds',
] as const

const setPath = (root: unknown, path: ReadonlyArray<string>, value: unknown): unknown => {
  const copy = structuredClone(root) as Record<string, unknown>
  let node = copy
  for (const k of path.slice(0, -1)) node = node[k] as Record<string, unknown>
  const last = path[path.length - 1]!
  if (value === undefined) delete node[last]
  else node[last] = value
  return copy
}

/** A value no codec for that leaf accepts (objects are never strings/numbers/null-or-string). */
const wrongValue = fc.constantFrom<unknown>(undefined, 42, true, [1], { x: 1 })

describe('decode failures on mutated replies', () => {
  it('a wrong or missing task field is a Decode error naming migration_get and the wire path', () =>
    fc.assert(
      fc.property(A.task, fc.constantFrom(...LEAVES), wrongValue, (task, [path, expected], bad) => {
        fc.pre(
          !(typeof bad === 'object' && bad !== null && !Array.isArray(bad) && path.join('.') === 'params'),
        )
        const mutated = setPath(M.MigrationGet.encode(task), path, bad)
        const r = decodeResult('migration_get', M.MigrationGet)(wire(mutated))
        expect(r).toMatchObject({ _tag: 'Left', left: { _tag: 'Decode', method: 'migration_get' } })
        if (E.isLeft(r) && r.left._tag === 'Decode') expect(r.left.path).toBe(expected)
      }),
    ))

  it('a broken progress field inside a migration_list entry names its index and the field', () =>
    fc.assert(
      fc.property(
        fc.array(A.task, { minLength: 1, maxLength: 4 }),
        A.progress,
        fc.nat(),
        fc.constantFrom(...PROGRESS_LEAVES),
        fc.constantFrom<unknown>('x', null, [], undefined),
        (tasks, progress, at, field, bad) => {
          const i = at % tasks.length
          const withProgress = tasks.map((t, k) => (k === i ? { ...t, progress } : t))
          const encoded = M.MigrationList.encode(withProgress)
          // timestamp accepts only strings, the others only numbers: pick a value wrong for the field.
          const wrong = field === 'timestamp' && bad === 'x' ? 7 : bad
          const mutated = setPath(encoded, ['tasks', String(i), 'progress', field], wrong)
          const r = decodeResult('migration_list', M.MigrationList)(wire(mutated))
          expect(r).toMatchObject({
            _tag: 'Left',
            left: { _tag: 'Decode', method: 'migration_list', path: `result.tasks[${i}].progress.${field}` },
          })
        },
      ),
    ))

  it('a non-string in a snapshot list names its index and what came', () =>
    fc.assert(
      fc.property(A.names, fc.nat(), fc.integer(), (names, at, n) => {
        const list = [...names, 'last']
        const i = at % list.length
        list[i] = n as unknown as string
        const r = decodeResult('snapshot_list', C.SnapshotList)({ dataset: 'tank/a', snapshots: list })
        expect(r).toEqual(
          E.left({
            _tag: 'Decode',
            method: 'snapshot_list',
            path: `result.snapshots[${i}]`,
            message: `expected string, got ${n}`,
          }),
        )
      }),
    ))
})
