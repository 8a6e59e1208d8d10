/**
 * The simulator over real HTTP (node:http, 127.0.0.1 by default, port 0 = any free port). A `Drop` reply
 * destroys the socket so the client sees a transport failure, as with a crashed or unreachable server.
 *
 * @since 0.1.0
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Reply } from './Dispatcher.js'
import type { HttpRequest } from './Simulator.js'

export interface RunningServer {
  readonly url: string
  readonly port: number
  readonly close: () => Promise<void>
}

export const JSON_TYPE = 'application/json; charset=utf-8'

export const serveHttp = (
  handle: (req: HttpRequest) => Promise<Reply>,
  opts: { readonly port?: number; readonly host?: string },
): Promise<RunningServer> => {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const auth = req.headers.authorization
      handle({
        method: req.method ?? 'GET',
        path: (req.url ?? '/').split('?')[0] ?? '/',
        body: Buffer.concat(chunks).toString('utf8'),
        remoteAddress: req.socket.remoteAddress ?? '',
        ...(auth !== undefined ? { authorization: auth } : {}),
      }).then(
        (reply) => {
          if (reply._tag === 'Drop') return void req.socket.destroy()
          res.writeHead(reply.status, { 'Content-Type': reply.contentType ?? JSON_TYPE })
          res.end(reply.body)
        },
        (e: unknown) => {
          res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
          res.end(`500: Internal Server Error: ${String(e)}`)
        },
      )
    })
  })
  const host = opts.host ?? '127.0.0.1'
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => {
      const port = (server.address() as AddressInfo).port
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    })
  })
}
