/**
 * The API's mutations as data, so a caller can send many in one batch (`ZfsApi.mutate`) and still read each
 * one's outcome on its own: the daemon carries out a host's plan phase by phase, one round trip per phase.
 *
 * @since 0.2.0
 */
import type * as E from 'fp-ts/lib/Either.js'
import type { Task } from 'fp-ts/lib/Task.js'
import type { TaskEither } from 'fp-ts/lib/TaskEither.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { RpcError } from './RpcError.js'
import type { CreateMigration, ZfsApi } from './ZfsApi.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type Mutation =
  | {
      readonly _tag: 'SnapshotCreate'
      readonly dataset: string
      readonly name: string
      readonly recursive: boolean
    }
  | { readonly _tag: 'SnapshotDestroy'; readonly dataset: string; readonly snapshot: string }
  | {
      readonly _tag: 'SnapshotHold'
      readonly dataset: string
      readonly snapshot: string
      readonly tag: string
      /** `zfs hold -r`: also every descendant that has a snapshot of that name. Absent: false. */
      readonly recursive?: boolean
    }
  | {
      readonly _tag: 'SnapshotRelease'
      readonly dataset: string
      readonly snapshot: string
      readonly tag: string
      /** `zfs release -r`: also every descendant that has a snapshot of that name. Absent: false. */
      readonly recursive?: boolean
    }
  | { readonly _tag: 'MigrationCreate'; readonly request: CreateMigration }

/** A started migration's task id; every other mutation answers nothing. */
export type MutationReply = { readonly taskId: string } | undefined

export type Mutate = (ms: ReadonlyArray<Mutation>) => Task<ReadonlyArray<E.Either<RpcError, MutationReply>>>

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

type Singles = Pick<
  ZfsApi,
  'snapshotCreate' | 'snapshotDestroy' | 'snapshotHold' | 'snapshotRelease' | 'migrationCreate'
>

/** An acknowledgement carries nothing. */
const nothing = (t: TaskEither<RpcError, void>): TaskEither<RpcError, MutationReply> =>
  TE.map(() => undefined)(t)

/** One mutation through the API's own method for it. */
export const single = (api: Singles, m: Mutation): TaskEither<RpcError, MutationReply> => {
  switch (m._tag) {
    case 'SnapshotCreate':
      return nothing(api.snapshotCreate(m.dataset, m.name, m.recursive))
    case 'SnapshotDestroy':
      return nothing(api.snapshotDestroy(m.dataset, m.snapshot))
    case 'SnapshotHold':
      return nothing(api.snapshotHold(m.dataset, m.snapshot, m.tag, m.recursive ?? false))
    case 'SnapshotRelease':
      return nothing(api.snapshotRelease(m.dataset, m.snapshot, m.tag, m.recursive ?? false))
    case 'MigrationCreate':
      return api.migrationCreate(m.request)
  }
}

/**
 * `mutate` for an API without batches (the simulator's model, test fakes, a wrapper that must see each
 * call): one after another through the single methods, so a wrapper's overrides of them apply.
 */
export const oneByOne =
  (api: Singles): Mutate =>
  (ms) =>
  async () => {
    const out: E.Either<RpcError, MutationReply>[] = []
    for (const m of ms) out.push(await single(api, m)())
    return out
  }
