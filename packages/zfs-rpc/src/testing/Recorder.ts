/**
 * What the simulator saw: HTTP requests, JSON-RPC calls per method, and a log of mutating calls with
 * their outcome — the evidence tests assert on (e.g. "no destroy of a held snapshot was attempted").
 *
 * @since 0.1.0
 */
import type { Clock } from '../Clock.js'

export interface Mutation {
  readonly at: number
  readonly method: string
  readonly params: Readonly<Record<string, unknown>>
  /** undefined when the call succeeded. */
  readonly error: { readonly code: number; readonly message: string } | undefined
}

export interface Counts {
  readonly httpRequests: number
  readonly rpcCalls: number
  readonly byMethod: Readonly<Record<string, number>>
}

export class Recorder {
  private httpRequests = 0
  private rpcCalls = 0
  private readonly byMethod = new Map<string, number>()
  private readonly log: Mutation[] = []

  constructor(private readonly clock: Clock) {}

  http(): void {
    this.httpRequests++
  }

  call(method: string): void {
    this.rpcCalls++
    this.byMethod.set(method, (this.byMethod.get(method) ?? 0) + 1)
  }

  mutation(method: string, params: Readonly<Record<string, unknown>>, error: Mutation['error']): void {
    this.log.push({ at: this.clock.now(), method, params, error })
  }

  counts(): Counts {
    return {
      httpRequests: this.httpRequests,
      rpcCalls: this.rpcCalls,
      byMethod: Object.fromEntries(this.byMethod),
    }
  }

  mutations(): ReadonlyArray<Mutation> {
    return this.log
  }

  reset(): void {
    this.httpRequests = 0
    this.rpcCalls = 0
    this.byMethod.clear()
    this.log.length = 0
  }
}
