/**
 * A `fetch` that calls the simulator's handler directly: no sockets, so soak tests and `simulate` run at
 * memory speed on a virtual clock. It fails like the real `fetch`: a dropped connection rejects with a
 * TypeError, an aborted signal with the signal's reason.
 *
 * @since 0.1.0
 */
import type { Reply } from './Dispatcher.js'
import { JSON_TYPE } from './HttpServer.js'
import type { HttpRequest } from './Simulator.js'

const bodyText = async (body: unknown): Promise<string> =>
  body === undefined || body === null
    ? ''
    : typeof body === 'string'
      ? body
      : new Response(body as BodyInit).text()

export const makeFetch =
  (handle: (req: HttpRequest) => Promise<Reply>, remoteAddress: string): typeof fetch =>
  async (input, init) => {
    const request = input instanceof Request ? input : undefined
    const url = new URL(request?.url ?? String(input))
    const signal = init?.signal ?? request?.signal ?? undefined
    if (signal?.aborted) throw signal.reason
    const headers = new Headers(init?.headers ?? request?.headers)
    const authorization = headers.get('authorization')
    const req: HttpRequest = {
      method: (init?.method ?? request?.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      body: init?.body !== undefined ? await bodyText(init.body) : request ? await request.text() : '',
      remoteAddress,
      ...(authorization !== null ? { authorization } : {}),
    }
    const reply = await raceAbort(handle(req), signal)
    if (reply._tag === 'Drop') throw new TypeError('fetch failed', { cause: new Error('other side closed') })
    return new Response(reply.body, {
      status: reply.status,
      headers: { 'Content-Type': reply.contentType ?? JSON_TYPE },
    })
  }

/** Rejects with the signal's reason as soon as it aborts (the handler keeps running, as a server would). */
const raceAbort = <A>(p: Promise<A>, signal: AbortSignal | undefined): Promise<A> =>
  signal === undefined
    ? p
    : new Promise<A>((resolve, reject) => {
        const onAbort = () => reject(signal.reason)
        signal.addEventListener('abort', onAbort, { once: true })
        p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
      })
