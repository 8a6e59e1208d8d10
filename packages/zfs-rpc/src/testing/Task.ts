/**
 * A migration task as the real API stores it (Redis hash `task:<uuid>`), in wire shape, plus the helpers
 * that render it for `migration_get` / `migration_list` / `migration_progress`.
 *
 * @since 0.1.0
 */

export type TaskStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled'

export interface TaskParams {
  readonly source: string
  readonly destination: string
  readonly remote: string | null
  /** MB/s as given (the script strips a trailing M/MB). */
  readonly limit: number | string | null
  readonly compression: string | null
  readonly recursive: boolean
  readonly sync: boolean
}

/** The pv tick dict (§3.3), wire field names. */
export interface WireProgress {
  readonly timestamp: string
  readonly task_id: string
  readonly status: 'progress'
  readonly bytes_transferred: number
  readonly bytes_total: number | null
  readonly percentage: number
  readonly rate_mbps: number
  readonly eta_seconds: number
  readonly elapsed_seconds: number
}

export interface WireResult {
  readonly return_code: number
  readonly elapsed_seconds: number
  readonly cancelled?: true
}

/** What an injected fault does to one task: the script exits 1, or the receive fails and the script goes on. */
export type TaskFault =
  | { readonly _tag: 'ExitCode1' }
  | { readonly _tag: 'ReceiveFails'; readonly reason: string }

/** Mutable: the service moves it through its states. */
export interface Task {
  readonly id: string
  status: TaskStatus
  readonly createdAt: string
  startedAt: string | null
  completedAt: string | null
  error: string | null
  result: WireResult | null
  progress: WireProgress | null
  readonly params: TaskParams
  /** Injected fault, if any. */
  readonly fault: TaskFault | undefined
  readonly abort: AbortController
}

const round1 = (n: number): number => Math.round(n * 10) / 10

export const progressTick = (
  taskId: string,
  timestamp: string,
  elapsedMs: number,
  rate: number,
  total: number,
  sizeKnown: boolean,
): WireProgress => {
  const done = Math.min(total, Math.floor((rate * elapsedMs) / 1000))
  return {
    timestamp,
    task_id: taskId,
    status: 'progress',
    bytes_transferred: done,
    bytes_total: sizeKnown ? total : null,
    percentage: sizeKnown ? round1((done / total) * 100) : 0,
    rate_mbps: round1(rate / (1024 * 1024)),
    eta_seconds: sizeKnown ? Math.ceil((total - done) / rate) : 0,
    elapsed_seconds: Math.floor(elapsedMs / 1000),
  }
}

/** The `params` echo: remote/limit/compression only when given. */
export const wireParams = (p: TaskParams): Record<string, unknown> => ({
  source: p.source,
  destination: p.destination,
  recursive: p.recursive,
  sync: p.sync,
  ...(p.remote !== null ? { remote: p.remote } : {}),
  ...(p.limit !== null ? { limit: p.limit } : {}),
  ...(p.compression !== null ? { compression: p.compression } : {}),
})

/** `migration_get` shape; `migration_list` entries omit `result`. */
export const wireTask = (t: Task, withResult: boolean): Record<string, unknown> => ({
  id: t.id,
  status: t.status,
  created_at: t.createdAt,
  started_at: t.startedAt,
  completed_at: t.completedAt,
  error: t.error,
  ...(withResult ? { result: t.result } : {}),
  progress: t.progress,
  params: wireParams(t.params),
})
