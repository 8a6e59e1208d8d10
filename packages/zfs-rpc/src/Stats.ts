/**
 * Counters of HTTP round trips and JSON-RPC calls per method, as the server sees them (retries count).
 *
 * @since 0.1.0
 */
import type { RpcStats } from './ZfsApi.js'

export interface StatsCounter {
  readonly roundTrip: (methods: ReadonlyArray<string>) => void
  readonly snapshot: () => RpcStats
}

export const makeStats = (): StatsCounter => {
  let httpRequests = 0
  let rpcCalls = 0
  const byMethod = new Map<string, number>()
  return {
    roundTrip: (methods) => {
      httpRequests++
      rpcCalls += methods.length
      for (const m of methods) byMethod.set(m, (byMethod.get(m) ?? 0) + 1)
    },
    snapshot: () => ({ httpRequests, rpcCalls, callsByMethod: Object.fromEntries(byMethod) }),
  }
}
