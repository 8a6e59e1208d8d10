/**
 * What `GET /health` answers, from the daemon's status. Pure, so the thresholds are table-tested.
 *
 * Unhealthy (503) when the ZFS API has been unreachable for `apiDownMs` (default 5 min), or no cycle has
 * completed for `staleMs` (default max(5 min, 3 ticks)) past the later of the last cycle and the cycle
 * the daemon planned next (it sleeps until work is due, up to `server.max_sleep`) — counted from start-up
 * before the first cycle, so a daemon that never manages a cycle turns unhealthy too. A short blip stays 200 with
 * `apiReachable: false`, so container orchestrators do not restart the daemon for the API's hiccups.
 *
 * Degraded (500) when the daemon runs but cannot do what the policy says is due: any current trouble
 * (`health/Troubles.ts`: stale snapshots, sync lag, clock fault, persistent error, stale migration; decisions
 * §16). Not 503, because restarting the daemon fixes none of them; not 200, because a probe that only reads
 * the status code must see it. Unhealthy wins over degraded.
 *
 * @since 0.1.0
 */

import type { Trouble } from '../health/Troubles.js'

export interface DaemonStatus {
  readonly startedAt: number
  readonly lastCycleAt: number | undefined
  readonly apiReachable: boolean
  readonly apiDownSince: number | undefined
  readonly tickMs: number
  /** When the daemon plans its next cycle (it sleeps until then); absent: every tick. */
  readonly nextCycleAt?: number | undefined
  /** Current troubles; any makes the daemon degraded. */
  readonly troubles?: ReadonlyArray<Trouble>
}

export interface Thresholds {
  readonly apiDownMs: number
  readonly staleMs?: number
}

export interface HealthReply {
  readonly httpStatus: 200 | 500 | 503
  readonly body: {
    readonly status: 'ok' | 'degraded' | 'unhealthy'
    readonly lastCycleAt: string | null
    readonly apiReachable: boolean
    /** One line per problem: unhealthy ones first, then each trouble as `<kind>: <subject>: <why>`. */
    readonly problems: ReadonlyArray<string>
    readonly troubles: ReadonlyArray<{
      readonly kind: string
      readonly subject: string
      readonly why: string
      readonly since: string
    }>
  }
}

const defaultThresholds: Thresholds = { apiDownMs: 300_000 }

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString())

/** A reason /health is unhealthy, with the instant it started (the status page shows both). */
export interface Problem {
  readonly why: string
  readonly since: number
}

export const problemsOf = (
  s: DaemonStatus,
  now: number,
  t: Thresholds = defaultThresholds,
): ReadonlyArray<Problem> => {
  const problems: Problem[] = []
  if (!s.apiReachable && s.apiDownSince !== undefined && now - s.apiDownSince >= t.apiDownMs)
    problems.push({ why: `ZFS API unreachable since ${iso(s.apiDownSince)}`, since: s.apiDownSince })
  const staleMs = t.staleMs ?? Math.max(300_000, 3 * s.tickMs)
  const since = s.lastCycleAt ?? s.startedAt
  if (now - Math.max(since, s.nextCycleAt ?? since) > staleMs)
    problems.push({
      why:
        s.lastCycleAt === undefined
          ? `no cycle completed since start-up at ${iso(s.startedAt)}`
          : `no cycle completed since ${iso(s.lastCycleAt)}`,
      since,
    })
  return problems
}

export const evaluate = (s: DaemonStatus, now: number, t: Thresholds = defaultThresholds): HealthReply => {
  const problems = problemsOf(s, now, t).map((p) => p.why)
  const unhealthy = problems.length > 0
  const troubles = s.troubles ?? []
  for (const t of troubles) problems.push(`${t.kind}: ${t.subject}: ${t.why} (since ${iso(t.since)})`)
  const status = unhealthy ? 'unhealthy' : troubles.length > 0 ? 'degraded' : 'ok'
  return {
    httpStatus: status === 'unhealthy' ? 503 : status === 'degraded' ? 500 : 200,
    body: {
      status,
      lastCycleAt: iso(s.lastCycleAt),
      apiReachable: s.apiReachable,
      problems,
      troubles: troubles.map((t) => ({ kind: t.kind, subject: t.subject, why: t.why, since: iso(t.since)! })),
    },
  }
}
