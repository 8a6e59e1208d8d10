/**
 * Snapshots the API refused to destroy for a definite reason: zfs ran and said no (dependent clones, busy,
 * held). Nothing was destroyed, so such a refusal postpones nothing (a destroy whose reply never came
 * does: see `Executor`). The planner keeps asking for the destroy every cycle (retention still wants it
 * gone, and a restore clone may be removed any time); the refusal is logged once when it starts, quietly
 * after, and once when it ends, and it is listed for `/health` and `status`.
 *
 * @since 0.1.0
 */
import type { RpcError } from '@zfs-autobackup/zfs-rpc'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Refusal {
  readonly dataset: string
  readonly snapshot: string
  /** zfs's reason, one line. */
  readonly why: string
  /** When it was first refused. */
  readonly since: number
}

export interface Refusals {
  /** Records a refusal; true when it is new (or its reason changed), i.e. worth a log line. */
  readonly refused: (dataset: string, snapshot: string, why: string, at: number) => boolean
  /** The snapshot was destroyed (or is gone): the refusal it had, if any. */
  readonly cleared: (dataset: string, snapshot: string) => Refusal | undefined
  /** Forgets the dataset's refusals of snapshots no longer listed. */
  readonly retain: (dataset: string, snapshots: ReadonlyArray<string>) => void
  readonly all: () => ReadonlyArray<Refusal>
}

// -------------------------------------------------------------------------------------
// classification
// -------------------------------------------------------------------------------------

/** `snapshot_destroy`'s "zfs returned non-zero" code: zfs ran to the end and refused. */
const ZFS_REFUSED = -32026

/**
 * The destroy provably did not happen and will not: zfs answered with an error (a Python exception,
 * a timeout or an earlier unanswered attempt of the same call prove nothing).
 */
export const isDefinite = (e: RpcError): boolean =>
  e._tag === 'Remote' &&
  e.method === 'snapshot_destroy' &&
  e.code === ZFS_REFUSED &&
  e.afterUnansweredAttempt !== true

/** zfs's own words, without the API's prefix and its `use '-R' …` advice. */
export const reasonOf = (e: RpcError): string => {
  const text = e._tag === 'Remote' ? e.message : ''
  const line = text
    .replace(/^Failed to destroy snapshot:\s*/i, '')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '')
  return line ?? 'refused'
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

export const make = (): Refusals => {
  const byKey = new Map<string, Refusal>()
  const key = (dataset: string, snapshot: string) => `${dataset}@${snapshot}`
  return {
    refused: (dataset, snapshot, why, at) => {
      const k = key(dataset, snapshot)
      const before = byKey.get(k)
      if (before?.why === why) return false
      byKey.set(k, { dataset, snapshot, why, since: before?.since ?? at })
      return true
    },
    cleared: (dataset, snapshot) => {
      const k = key(dataset, snapshot)
      const r = byKey.get(k)
      byKey.delete(k)
      return r
    },
    retain: (dataset, snapshots) => {
      const keep = new Set(snapshots)
      for (const [k, r] of byKey) if (r.dataset === dataset && !keep.has(r.snapshot)) byKey.delete(k)
    },
    all: () => [...byKey.values()],
  }
}
