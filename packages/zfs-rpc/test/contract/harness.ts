/** Starts the simulator on 127.0.0.1 and a real client (`makeClient`, cross-fetch) pointed at it. */
import * as E from 'fp-ts/lib/Either.js'
import type { TaskEither } from 'fp-ts/lib/TaskEither.js'
import { afterEach } from 'vitest'
import { type ClientOptions, makeClient } from '../../src/Client.js'
import type { RpcError } from '../../src/RpcError.js'
import { makeSimulator, type Simulator, type SimulatorOptions } from '../../src/testing/index.js'
import type { ZfsApi } from '../../src/ZfsApi.js'

const open: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()))
})

export const connect = async (
  sim: SimulatorOptions = {},
  client: Partial<ClientOptions> = {},
): Promise<{ readonly sim: Simulator; readonly api: ZfsApi; readonly url: string }> => {
  const s = makeSimulator(sim)
  const server = await s.listen()
  open.push(server.close)
  // Fast retries: these tests are about outcomes, not about waiting.
  const api = makeClient({
    url: server.url,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    timeoutMs: 5_000,
    ...client,
  })
  return { sim: s, api, url: server.url }
}

/** Runs a TaskEither and returns the Right, failing the test with the error otherwise. */
export const right = async <A>(te: TaskEither<RpcError, A>): Promise<A> => {
  const r = await te()
  if (E.isLeft(r)) throw new Error(`expected Right, got ${JSON.stringify(r.left)}`)
  return r.right
}

export const left = async <A>(te: TaskEither<RpcError, A>): Promise<RpcError> => {
  const r = await te()
  if (E.isRight(r)) throw new Error(`expected Left, got ${JSON.stringify(r.right)}`)
  return r.left
}
