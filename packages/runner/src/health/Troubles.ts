/**
 * Troubles: the conditions that make the daemon *degraded* (core-decisions.md §16, "silence is a fault"). Each is
 * a (kind, subject) pair with why and since when. Whatever watches something feeds this one registry; the
 * registry says each change once — a WARN when a trouble starts, an INFO when it clears — and `/health`,
 * `/metrics` and status pages read it. A trouble that stays is not logged again.
 *
 * Feeding it:
 * - `raise` / `clear` for an event-style source (an error that starts and stops);
 * - `reconcile` for a watcher that re-evaluates a whole kind each cycle: it passes what holds now, and the
 *   registry raises what is new, keeps what stays (with its first `since`) and clears what is gone. When
 *   two sources share a kind, each reconciles only the subjects it `owns`.
 *
 * Subjects are what an operator looks for: a dataset (`tank/data`), a destination
 * (`tank/data → nas:backup/data`), a migration task id.
 *
 * @since 0.2.0
 */
import type { Log } from '../log/Logger.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Every kind, in the order they are shown; `/metrics` has a gauge sample for each, 0 included. */
export const kinds = [
  /** A dataset has no new snapshot of ours by twice its expected time inside open windows. */
  'stale-snapshots',
  /** A destination's lag passed twice its interval with the sync window open since it was due. */
  'sync-lag',
  /** Names from the future (snapshots, sync tags) or a clock behind the newest snapshot. */
  'clock-fault',
  /** The same error for several cycles in a row. */
  'persistent-error',
  /** A migration that shows no progress and no end past a bound. */
  'stale-migration',
  /** A snapshot zfs has refused to destroy for an hour (dependent clones, busy, held): retention is stuck. */
  'destroy-refused',
  /** A destination's own API shows no incremental can run there (no common snapshot, or a diverged one). */
  'frozen-destination',
] as const

export type Kind = (typeof kinds)[number]

export interface Trouble {
  readonly kind: Kind
  readonly subject: string
  /** One line, present tense, with the evidence (e.g. `newest snapshot 2h 10m ago, expected every 10m`). */
  readonly why: string
  /** When it was first raised (epoch ms); kept while it stays, even when `why` changes. */
  readonly since: number
}

export interface Present {
  readonly subject: string
  readonly why: string
}

export interface Troubles {
  /** The trouble holds at `now`: WARN when it starts; an existing one keeps its `since`, takes the new why. */
  readonly raise: (kind: Kind, subject: string, why: string, now: number) => void
  /** It no longer holds: INFO with how long it lasted. Nothing when it was not raised. */
  readonly clear: (kind: Kind, subject: string, now: number) => void
  /**
   * Exactly `present` holds among the troubles of `kind` whose subject `owns` (default: all of that kind):
   * raises the new ones, clears the others.
   */
  readonly reconcile: (
    kind: Kind,
    present: ReadonlyArray<Present>,
    now: number,
    owns?: (subject: string) => boolean,
  ) => void
  /** Every current trouble, oldest first (then kind order, then subject). */
  readonly list: () => ReadonlyArray<Trouble>
  /** Current troubles per kind, every kind present (0 when none). */
  readonly counts: () => ReadonlyMap<Kind, number>
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const duration = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 120) return `${s}s`
  if (s < 7200) return `${Math.floor(s / 60)}m`
  if (s < 172_800) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`
  return `${Math.floor(s / 86400)}d`
}

/** `onChange` is told the new list after every change (the metrics gauge listens). */
export const make = (log: Log, onChange?: (list: ReadonlyArray<Trouble>) => void): Troubles => {
  const current = new Map<string, Trouble>()
  const keyOf = (kind: Kind, subject: string) => `${kind}\u0000${subject}`
  const changed = () => onChange?.(list())

  const raise = (kind: Kind, subject: string, why: string, now: number): void => {
    const key = keyOf(kind, subject)
    const was = current.get(key)
    if (was !== undefined) {
      if (was.why !== why) current.set(key, { ...was, why })
      return
    }
    current.set(key, { kind, subject, why, since: now })
    log.warn(`degraded: ${kind}: ${subject}: ${why}`, { trouble: kind, subject })
    changed()
  }

  const clear = (kind: Kind, subject: string, now: number): void => {
    const key = keyOf(kind, subject)
    const was = current.get(key)
    if (was === undefined) return
    current.delete(key)
    log.info(`cleared: ${kind}: ${subject} (lasted ${duration(now - was.since)})`, {
      trouble: kind,
      subject,
    })
    changed()
  }

  const list = (): ReadonlyArray<Trouble> =>
    [...current.values()].sort(
      (a, b) =>
        a.since - b.since ||
        kinds.indexOf(a.kind) - kinds.indexOf(b.kind) ||
        (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0),
    )

  return {
    raise,
    clear,
    reconcile: (kind, present, now, owns = () => true) => {
      const holds = new Set(present.map((p) => p.subject))
      for (const t of [...current.values()])
        if (t.kind === kind && owns(t.subject) && !holds.has(t.subject)) clear(kind, t.subject, now)
      for (const p of present) raise(kind, p.subject, p.why, now)
    },
    list,
    counts: () => {
      const n = new Map<Kind, number>(kinds.map((k) => [k, 0]))
      for (const t of current.values()) n.set(t.kind, (n.get(t.kind) ?? 0) + 1)
      return n
    },
  }
}
