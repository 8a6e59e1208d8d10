/**
 * Fault injection, per method or for every method (`'*'`): scripted (the next calls of a method get these
 * faults, in order) or random with a seeded probability, so a failing run replays exactly from its seed.
 *
 * @since 0.1.0
 */
import { mulberry32, type Prng } from './Prng.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type Fault =
  /** Connection destroyed with no response (in-process: `fetch` rejects with a TypeError). `afterExecute`: the call ran first. */
  | { readonly kind: 'drop'; readonly afterExecute?: boolean }
  /** HTTP 500 with a -32603 body. `afterExecute`: the call ran first. */
  | { readonly kind: 'http500'; readonly afterExecute?: boolean }
  /** HTTP 429 with the real rate-limit body; nothing runs. */
  | { readonly kind: 'http429' }
  /** A JSON-RPC error object instead of running the call. */
  | { readonly kind: 'rpcError'; readonly code: number; readonly message: string; readonly data?: unknown }
  /** The call runs, then the HTTP body is cut-off JSON. */
  | { readonly kind: 'malformed' }
  /** The call runs, then its `result` is replaced (default `{"unexpected":"shape"}`). */
  | { readonly kind: 'wrongShape'; readonly result?: unknown }
  /** Waits `ms` on the simulator's clock before answering (past the client's timeout), then runs normally. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** `migration_create` succeeds but the task ends `failed` ("Migration failed with return code 1"). */
  | { readonly kind: 'failMigration' }
  /**
   * `migration_create` succeeds; the stream is sent but the receive fails (default reason `out of space`):
   * nothing arrives, yet the script places its sync holds and exits 0, so the task ends `completed`.
   */
  | { readonly kind: 'failReceive'; readonly reason?: string }

export interface RandomFaults {
  /** A method name or `'*'`. */
  readonly method: string
  /** Chance per call in [0, 1]. */
  readonly probability: number
  /** One is picked uniformly when the call is hit. */
  readonly faults: ReadonlyArray<Fault>
}

// -------------------------------------------------------------------------------------
// injector
// -------------------------------------------------------------------------------------

export class FaultInjector {
  private readonly scripts = new Map<string, Fault[]>()
  private rules: RandomFaults[] = []
  private prng: Prng
  private readonly injectedLog: { readonly method: string; readonly fault: Fault }[] = []

  constructor(seed = 1) {
    this.prng = mulberry32(seed)
  }

  /** The next `faults.length` calls of `method` (or of any method, `'*'`) get these faults, in order. */
  script(method: string, faults: ReadonlyArray<Fault>): void {
    this.scripts.set(method, [...(this.scripts.get(method) ?? []), ...faults])
  }

  /** Adds a random rule; `seed` (optional) restarts the PRNG so a run is reproducible. */
  random(rule: RandomFaults, seed?: number): void {
    if (!(rule.probability >= 0 && rule.probability <= 1))
      throw new Error(`fault probability must be in [0, 1]: ${rule.probability}`)
    if (rule.faults.length === 0) throw new Error('a random fault rule needs at least one fault')
    if (seed !== undefined) this.prng = mulberry32(seed)
    this.rules.push(rule)
  }

  /** Drops every script and rule. */
  clear(): void {
    this.scripts.clear()
    this.rules = []
  }

  /** Faults injected so far, in order (for tests and the demo's report). */
  injected(): ReadonlyArray<{ readonly method: string; readonly fault: Fault }> {
    return this.injectedLog
  }

  /** Decides the fault (if any) for one call: the method's script, then `'*'`'s, then the random rules. */
  next(method: string): Fault | undefined {
    const fault = this.fromScript(method) ?? this.fromScript('*') ?? this.fromRules(method)
    if (fault !== undefined) this.injectedLog.push({ method, fault })
    return fault
  }

  private fromScript(key: string): Fault | undefined {
    const queue = this.scripts.get(key)
    const fault = queue?.shift()
    if (queue !== undefined && queue.length === 0) this.scripts.delete(key)
    return fault
  }

  private fromRules(method: string): Fault | undefined {
    for (const rule of this.rules) {
      if (rule.method !== '*' && rule.method !== method) continue
      if (this.prng.next() < rule.probability)
        return rule.faults[Math.floor(this.prng.next() * rule.faults.length)]
    }
    return undefined
  }
}
