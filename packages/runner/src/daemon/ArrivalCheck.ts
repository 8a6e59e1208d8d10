/**
 * Whether a destination has what the source sent, asked of the backup host's own API (core-decisions.md §15).
 * The API's migration matches the common snapshot by name only, and places its sync hold even when the
 * receive failed, so the only proof of arrival is the destination itself:
 * 1. list the destination's snapshots (`snapshot_list` on the backup host's API);
 * 2. its newest common snapshot is the last of them whose name the source also lists (the API's own rule);
 * 3. that name is the same snapshot only if `guid` is equal on both ends (`dataset_get_properties` of
 *    `ds@snap` with property `guid`, one call per side).
 * Equal guids → `Arrived` (evidence for the core); different → `Diverged` (reported, never a base); no
 * common name → `NoCommon` (the destination is frozen: incrementals cannot run), unless it lists no
 * snapshot at all → `Empty` (nothing arrived yet: `snapshot_list` of a missing dataset is empty too, and
 * the API sends a missing dataset in full). Any API trouble → `Unknown`: nothing is concluded.
 *
 * @since 0.2.0
 */
import type { RpcError, ZfsApi } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import * as Rpc from './RpcText.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type Verdict =
  | { readonly _tag: 'Arrived'; readonly snapshot: string; readonly guid: string }
  | {
      readonly _tag: 'Diverged'
      readonly snapshot: string
      readonly source: string
      readonly destination: string
    }
  /** The destination lists snapshots, none of them the source's: incrementals cannot run. */
  | { readonly _tag: 'NoCommon'; readonly destinationSnapshots: number }
  /** It lists none: nothing has arrived yet (a missing dataset gets a full send at the next sync). */
  | { readonly _tag: 'Empty' }
  | { readonly _tag: 'Unknown'; readonly why: string }

export interface Target {
  readonly dataset: string
  readonly remoteDataset: string
}

// -------------------------------------------------------------------------------------
// check
// -------------------------------------------------------------------------------------

const guidOf = async (api: ZfsApi, name: string): Promise<E.Either<string, string>> => {
  const r = await api.datasetGetProperties(name, 'guid')()
  if (E.isLeft(r)) return E.left(Rpc.describe(r.left))
  const guid = r.right['guid']
  // The API answers `{}` for a snapshot that does not exist (zfs's failure is swallowed).
  return guid === undefined || guid === '' ? E.left(`no guid for ${name}`) : E.right(guid)
}

/** The verdict for `t`, given the source's current snapshot list (oldest first). */
export const check = async (
  source: ZfsApi,
  destination: ZfsApi,
  t: Target,
  sourceSnapshots: ReadonlyArray<string>,
): Promise<Verdict> => {
  const listed = await destination.snapshotList(t.remoteDataset)()
  if (E.isLeft(listed)) return unknown(listed.left)
  const local = new Set(sourceSnapshots)
  const remote = listed.right
  let common: string | undefined
  for (let i = remote.length - 1; i >= 0 && common === undefined; i--)
    if (local.has(remote[i]!)) common = remote[i]!
  if (remote.length === 0) return { _tag: 'Empty' }
  if (common === undefined) return { _tag: 'NoCommon', destinationSnapshots: remote.length }
  const [mine, theirs] = await Promise.all([
    guidOf(source, `${t.dataset}@${common}`),
    guidOf(destination, `${t.remoteDataset}@${common}`),
  ])
  if (E.isLeft(mine)) return { _tag: 'Unknown', why: `source: ${mine.left}` }
  if (E.isLeft(theirs)) return { _tag: 'Unknown', why: `destination: ${theirs.left}` }
  return mine.right === theirs.right
    ? { _tag: 'Arrived', snapshot: common, guid: mine.right }
    : { _tag: 'Diverged', snapshot: common, source: mine.right, destination: theirs.right }
}

const unknown = (e: RpcError): Verdict => ({ _tag: 'Unknown', why: Rpc.describe(e) })
