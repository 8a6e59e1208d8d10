/**
 * Known application failures, recognised from method + code + message. The API reuses codes across methods
 * (-32021 is both `snapshot_create` and `dataset_rename`, -32040 both `pool_list` and `bookmark_destroy`), so
 * a code alone means nothing; the zfs stderr text in the message tells e.g. "held" from "missing".
 *
 * @since 0.1.0
 */
import type { RpcError } from './RpcError.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type RemoteFailure =
  /** `snapshot_destroy` of a held (or cloned/mounted) snapshot: zfs says "dataset is busy". */
  | 'SnapshotBusy'
  /** `snapshot_destroy` of a snapshot that is gone already. */
  | 'SnapshotNotFound'
  /** `snapshot_create` of a name that exists. */
  | 'AlreadyExists'
  /** `snapshot_release` of a tag the snapshot does not carry. */
  | 'NoSuchTag'
  /** `snapshot_hold` with a tag the snapshot carries already. */
  | 'TagExists'
  | 'RateLimited'
  | 'AuthRequired'
  | 'InvalidToken'
  | 'InvalidCredentials'
  | 'TaskNotFound'
  | 'NotAMigrationTask'
  | 'CancelFailed'
  /** Redis is down on the API host: no migration method works. */
  | 'MigrationServiceUnavailable'
  | 'MethodNotFound'
  | 'InvalidParams'
  | 'InternalError'

// -------------------------------------------------------------------------------------
// classification
// -------------------------------------------------------------------------------------

interface Rule {
  readonly failure: RemoteFailure
  /** `undefined`: any method (codes the library or the auth/rate-limit wrappers produce). */
  readonly methods?: ReadonlyArray<string>
  readonly codes: ReadonlyArray<number>
  /** Lower-case text the message must contain. */
  readonly text?: string
}

const MIGRATION_METHODS = ['migration_create', 'migration_get', 'migration_list', 'migration_cancel']

const RULES: ReadonlyArray<Rule> = [
  { failure: 'SnapshotBusy', methods: ['snapshot_destroy'], codes: [-32026], text: 'dataset is busy' },
  {
    failure: 'SnapshotNotFound',
    methods: ['snapshot_destroy'],
    codes: [-32026],
    text: 'could not find any snapshots to destroy',
  },
  { failure: 'SnapshotNotFound', methods: ['snapshot_destroy'], codes: [-32026], text: 'does not exist' },
  { failure: 'AlreadyExists', methods: ['snapshot_create'], codes: [-32021], text: 'dataset already exists' },
  { failure: 'NoSuchTag', methods: ['snapshot_release'], codes: [-32032], text: 'no such tag' },
  { failure: 'TagExists', methods: ['snapshot_hold'], codes: [-32030], text: 'tag already exists' },
  { failure: 'RateLimited', codes: [-32000] },
  { failure: 'AuthRequired', codes: [-32001] },
  { failure: 'InvalidToken', codes: [-32002] },
  { failure: 'InvalidCredentials', methods: ['auth_login'], codes: [-32003] },
  {
    failure: 'MigrationServiceUnavailable',
    methods: MIGRATION_METHODS,
    codes: [-32100, -32102, -32104, -32108, -32113],
    text: 'not available',
  },
  { failure: 'TaskNotFound', methods: MIGRATION_METHODS, codes: [-32105, -32109, -32114], text: 'not found' },
  {
    failure: 'NotAMigrationTask',
    methods: MIGRATION_METHODS,
    codes: [-32106, -32110, -32115],
    text: 'not a migration task',
  },
  { failure: 'CancelFailed', methods: ['migration_cancel'], codes: [-32111] },
  { failure: 'MethodNotFound', codes: [-32601] },
  { failure: 'InvalidParams', codes: [-32602] },
  { failure: 'InternalError', codes: [-32603] },
]

/** The known failure a remote error stands for, if any; anything else stays a plain `Remote`. */
export const remoteFailureOf = (e: RpcError): RemoteFailure | undefined => {
  if (e._tag !== 'Remote') return undefined
  const message = e.message.toLowerCase()
  return RULES.find(
    (r) =>
      r.codes.includes(e.code) &&
      (r.methods === undefined || r.methods.includes(e.method)) &&
      (r.text === undefined || message.includes(r.text)),
  )?.failure
}

/**
 * `snapshot_create` of `dataset@name` refused because that very snapshot exists. A recursive create is
 * also refused when a *child* has the name ("cannot create snapshot 'tank/a/b@x': dataset already
 * exists" for a create of tank/a@x): then nothing was created, so it is a failure, not "already there".
 * zfs names the snapshot it found; a message that names none is not taken as proof either.
 */
export const snapshotExists =
  (dataset: string, name: string) =>
  (e: RpcError): boolean =>
    remoteFailureOf(e) === 'AlreadyExists' &&
    e._tag === 'Remote' &&
    /cannot create snapshot '([^']*)'/.exec(e.message)?.[1] === `${dataset}@${name}`

/** The first `ds@snap` zfs names in quotes after `prefix` (`cannot hold snapshot 'tank/a@x'`). */
const named = (e: RpcError, prefix: string): string | undefined =>
  e._tag === 'Remote' ? new RegExp(`${prefix} '([^']*)'`).exec(e.message)?.[1] : undefined

/**
 * `snapshot_hold` of `dataset@snapshot` refused because that snapshot carries the tag already. zfs names
 * the snapshot that refused: a recursive hold (`zfs hold -r`, atomic) refused by a descendant's tag held
 * nothing at all, so only a message naming `dataset@snapshot` itself means "already held".
 */
export const holdExists =
  (dataset: string, snapshot: string) =>
  (e: RpcError): boolean =>
    remoteFailureOf(e) === 'TagExists' && named(e, 'cannot hold snapshot') === `${dataset}@${snapshot}`

/**
 * `snapshot_release` of `dataset@snapshot` refused because that snapshot lacks the tag. A recursive release
 * (`zfs release -r`, atomic) refused because a *descendant* lacks it released nothing: not "already gone".
 */
export const tagMissing =
  (dataset: string, snapshot: string) =>
  (e: RpcError): boolean =>
    remoteFailureOf(e) === 'NoSuchTag' &&
    named(e, 'cannot release hold from snapshot') === `${dataset}@${snapshot}`

/** `remoteFailureOf(e) === failure`, for guards such as `isRemoteFailure('SnapshotBusy')(e)`. */
export const isRemoteFailure =
  (failure: RemoteFailure) =>
  (e: RpcError): boolean =>
    remoteFailureOf(e) === failure
