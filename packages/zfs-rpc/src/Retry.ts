/**
 * Capped exponential retry with deterministic delays (no jitter: one client per host, and tests on a
 * `VirtualClock` can predict every wake-up).
 *
 * @since 0.1.0
 */
import type { Clock } from './Clock.js'
import type { RpcError } from './RpcError.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface RetryPolicy {
  /** Attempts in all, the first included; 1 disables retries. */
  readonly maxAttempts: number
  /** Delay before the 2nd attempt; doubles each time. */
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 10_000 }

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/** Delay after failed attempt number `attempt` (1-based): base·2^(attempt−1), capped. */
export const delayAfter = (policy: RetryPolicy, attempt: number): number =>
  Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))

/**
 * Runs `attempt` until `failure` of its outcome is undefined or not worth another try (`mayRetry`), or the
 * policy runs out. The last outcome is returned as is.
 */
export const retrying = async <A>(
  policy: RetryPolicy,
  clock: Clock,
  attempt: () => Promise<A>,
  failure: (a: A) => RpcError | undefined,
  mayRetry: (e: RpcError) => boolean,
  onRetry: (e: RpcError, attempt: number, delayMs: number) => void,
): Promise<A> => {
  for (let n = 1; ; n++) {
    const outcome = await attempt()
    const e = failure(outcome)
    if (e === undefined || n >= policy.maxAttempts || !mayRetry(e)) return outcome
    const delayMs = delayAfter(policy, n)
    onRetry(e, n, delayMs)
    await clock.sleep(delayMs)
  }
}
