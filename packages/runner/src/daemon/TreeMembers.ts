/**
 * The descendants of each configured recursive tree (`recursive: true`), from `dataset_list {dataset}`
 * (`zfs list -r`). Read at start-up, whenever the configured datasets change (reload), every `refreshMs`
 * (the holds rescan period), and at the next cycle after a descendant's listing failed (it may have been
 * destroyed). So a child created later joins and a child destroyed leaves. Reads are one call per tree,
 * only when due: a steady cycle makes none.
 *
 * Never guesses: the API answers `[]` when `zfs list` fails, so a reply without the root itself is a failed
 * read, and the tree keeps the members it had (none before its first good read: then only the root is
 * pruned, and the failure is logged once).
 *
 * @since 0.1.0
 */
import type { DatasetPolicy } from '@zfs-autobackup/core'
import * as E from 'fp-ts/lib/Either.js'
import type { Capabilities } from './Capabilities.js'
import * as Rpc from './RpcText.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One descendant of a tree. */
export interface Member {
  readonly dataset: string
  /** Listed under `exclude` (or below an excluded one): keeps none of the tree's snapshots beyond what is protected. */
  readonly excluded: boolean
}

export interface TreeMembers {
  /** Re-reads the trees that are due; returns every tree's descendants (roots not included). */
  readonly refresh: (
    datasets: ReadonlyArray<DatasetPolicy>,
  ) => Promise<ReadonlyMap<string, ReadonlyArray<Member>>>
  /** Re-read this tree at the next `refresh` (a descendant's listing failed). */
  readonly invalidate: (root: string) => void
}

interface Known {
  readonly members: ReadonlyArray<Member>
  readonly key: string
  readonly at: number
  readonly stale: boolean
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

export const make = (
  caps: Pick<Capabilities, 'api' | 'clock' | 'log'>,
  refreshMs: number = 3_600_000,
): TreeMembers => {
  const known = new Map<string, Known>()
  /** The configured datasets at the last refresh: a new value (a reload) re-reads every tree. */
  let lastConfig: ReadonlyArray<DatasetPolicy> | undefined
  const lastError = new Map<string, string>()

  const read = async (tree: DatasetPolicy, key: string, now: number): Promise<void> => {
    const root = tree.dataset
    const got = await caps.api.datasetList(root)()
    const why = E.isLeft(got)
      ? Rpc.describe(got.left)
      : got.right.includes(root)
        ? undefined
        : `the reply does not list ${root} itself (the API answers [] when zfs fails)`
    if (why !== undefined || E.isLeft(got)) {
      const before = known.get(root)
      if (lastError.get(root) !== why)
        caps.log.warn(
          `cannot list the descendants of the tree: ${why}; ${before === undefined ? 'only the root is pruned' : `the ${before.members.length} known ones are pruned`} until a read works`,
          { dataset: root },
        )
      lastError.set(root, why ?? '')
      if (before !== undefined) known.set(root, { ...before, stale: true })
      return
    }
    if (lastError.delete(root)) caps.log.info('descendants of the tree listed again', { dataset: root })
    const exclude = tree.exclude ?? []
    const members = got.right
      .filter((d) => d.startsWith(`${root}/`))
      .map((d) => ({ dataset: d, excluded: exclude.some((x) => d === x || d.startsWith(`${x}/`)) }))
    const before = known.get(root)?.members.map((m) => m.dataset) ?? []
    const joined = members.filter((m) => !before.includes(m.dataset)).map((m) => m.dataset)
    const left = before.filter((d) => !members.some((m) => m.dataset === d))
    if (joined.length > 0 || left.length > 0)
      caps.log.info(
        `tree of ${members.length} descendant(s)${joined.length > 0 ? `; joined: ${joined.join(', ')}` : ''}${left.length > 0 ? `; left: ${left.join(', ')}` : ''}`,
        { dataset: root },
      )
    known.set(root, { members, key, at: now, stale: false })
  }

  const refresh: TreeMembers['refresh'] = async (datasets) => {
    const now = caps.clock.now()
    const reloaded = datasets !== lastConfig
    lastConfig = datasets
    const trees = datasets.filter((d) => d.recursive)
    for (const root of [...known.keys()]) if (!trees.some((t) => t.dataset === root)) known.delete(root)
    for (const t of trees) {
      const key = JSON.stringify(t.exclude ?? [])
      const k = known.get(t.dataset)
      if (k === undefined || reloaded || k.stale || k.key !== key || now - k.at >= refreshMs)
        await read(t, key, now)
    }
    return new Map(trees.map((t) => [t.dataset, known.get(t.dataset)?.members ?? []]))
  }

  return {
    refresh,
    invalidate: (root) => {
      const k = known.get(root)
      if (k !== undefined) known.set(root, { ...k, stale: true })
    },
  }
}
