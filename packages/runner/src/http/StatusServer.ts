/**
 * `GET /health` (JSON) and `GET /metrics` (Prometheus text) on node:http, bound to 127.0.0.1 by default:
 * the daemon's state is nobody else's business unless the operator opens it up.
 *
 * @since 0.1.0
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { HealthReply } from './Health.js'

export interface Routes {
  readonly health: () => HealthReply
  readonly metrics: () => string
}

export interface RunningStatusServer {
  readonly url: string
  readonly port: number
  readonly close: () => Promise<void>
}

export const listen = (
  routes: Routes,
  opts: { readonly host?: string; readonly port?: number } = {},
): Promise<RunningStatusServer> => {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' })
      res.end(req.method === 'HEAD' ? undefined : body)
    }
    if (path !== '/health' && path !== '/metrics')
      return send(404, 'text/plain; charset=utf-8', 'not found\n')
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      return send(405, 'text/plain; charset=utf-8', 'method not allowed\n')
    }
    try {
      if (path === '/health') {
        const h = routes.health()
        return send(h.httpStatus, 'application/json; charset=utf-8', `${JSON.stringify(h.body)}\n`)
      }
      return send(200, 'text/plain; version=0.0.4; charset=utf-8', routes.metrics())
    } catch (e) {
      return send(500, 'text/plain; charset=utf-8', `${e instanceof Error ? e.message : String(e)}\n`)
    }
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      const { port, address } = server.address() as AddressInfo
      const host = address.includes(':') ? `[${address}]` : address
      resolve({
        url: `http://${host}:${port}`,
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
