/**
 * `GET /health` (JSON), `GET /metrics` (Prometheus text), and the status page `GET /` with its data
 * `GET /status.json`, on node:http, bound to 127.0.0.1 by default: the daemon's state is nobody else's
 * business unless the operator opens it up. Read-only: every other method is refused.
 *
 * The page and its JSON name datasets and hosts, so off loopback they need the bearer token
 * (`server.metrics.token_file`/`token_env`): `Authorization: Bearer <token>`, or once `/?token=<token>`,
 * which sets an HttpOnly cookie and redirects to `/` so the token leaves the address bar. Bound elsewhere
 * without a token they are refused. `/health` and `/metrics` stay open (probes and scrapers).
 *
 * @since 0.1.0
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { HealthReply } from './Health.js'
import { isLoopback } from './Loopback.js'

export interface Routes {
  readonly health: () => HealthReply
  readonly metrics: () => string
  /** The status page (HTML) and its data (JSON); absent: 404. */
  readonly page?: {
    readonly html: () => string
    readonly json: () => string
    /** The inline script, for the Content-Security-Policy hash. */
    readonly script: string
  }
}

/**
 * Who may read the page: `open` (loopback without a token), `token` (that bearer token), or `refused`
 * (bound elsewhere without one, or the token could not be read: `why`).
 */
export type PageAccess =
  | { readonly _tag: 'Open' }
  | { readonly _tag: 'Token'; readonly token: string }
  | { readonly _tag: 'Refused'; readonly why: string }

export interface RunningStatusServer {
  readonly url: string
  readonly port: number
  readonly close: () => Promise<void>
}

const COOKIE = 'zfs_autobackup_status'

/** Open on loopback without a token; with one, that token; otherwise refused. */
export const pageAccess = (host: string, token: string | undefined): PageAccess =>
  token !== undefined && token !== ''
    ? { _tag: 'Token', token }
    : isLoopback(host)
      ? { _tag: 'Open' }
      : {
          _tag: 'Refused',
          why: `bound to ${host}, not loopback: set server.metrics.token_file or token_env to serve the status page`,
        }

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest()

/** Constant-time comparison of the offered token (hashed, so lengths do not leak either). */
const matches = (offered: string | undefined, token: string): boolean =>
  offered !== undefined && timingSafeEqual(sha256(offered), sha256(token))

const cookieOf = (req: IncomingMessage): string | undefined => {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === COOKIE) return decodeURIComponent(v.join('='))
  }
  return undefined
}

const bearerOf = (req: IncomingMessage): string | undefined => {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')
  return m?.[1]?.trim()
}

export const listen = (
  routes: Routes,
  opts: { readonly host?: string; readonly port?: number; readonly access?: PageAccess } = {},
): Promise<RunningStatusServer> => {
  const access = opts.access ?? pageAccess(opts.host ?? '127.0.0.1', undefined)
  const csp =
    routes.page === undefined
      ? ''
      : `default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; ` +
        `script-src 'sha256-${sha256(routes.page.script).toString('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://status.invalid')
    const path = url.pathname
    const send = (
      status: number,
      type: string,
      body: string,
      headers: Readonly<Record<string, string>> = {},
    ) => {
      res.writeHead(status, {
        'Content-Type': type,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        ...headers,
      })
      res.end(req.method === 'HEAD' ? undefined : body)
    }
    const text = (status: number, body: string, headers: Readonly<Record<string, string>> = {}) =>
      send(status, 'text/plain; charset=utf-8', `${body}\n`, headers)
    const isPage = routes.page !== undefined && (path === '/' || path === '/status.json')
    if (path !== '/health' && path !== '/metrics' && !isPage) return text(404, 'not found')
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return text(405, 'method not allowed', { Allow: 'GET, HEAD' })
    try {
      if (path === '/health') {
        const h = routes.health()
        return send(h.httpStatus, 'application/json; charset=utf-8', `${JSON.stringify(h.body)}\n`)
      }
      if (path === '/metrics') return send(200, 'text/plain; version=0.0.4; charset=utf-8', routes.metrics())
      const page = routes.page!
      if (access._tag === 'Refused') return text(403, `status page refused: ${access.why}`)
      if (access._tag === 'Token') {
        const query = url.searchParams.get('token') ?? undefined
        if (path === '/' && query !== undefined) {
          if (!matches(query, access.token)) return text(401, 'wrong token', { 'WWW-Authenticate': 'Bearer' })
          return send(303, 'text/plain; charset=utf-8', 'see /\n', {
            Location: './',
            'Set-Cookie': `${COOKIE}=${encodeURIComponent(query)}; HttpOnly; SameSite=Strict; Path=/`,
          })
        }
        if (!matches(bearerOf(req), access.token) && !matches(cookieOf(req), access.token))
          return text(401, 'a bearer token is required (Authorization: Bearer …, or open /?token=… once)', {
            'WWW-Authenticate': 'Bearer',
          })
      }
      const headers = { 'Content-Security-Policy': csp, 'Referrer-Policy': 'no-referrer' }
      return path === '/'
        ? send(200, 'text/html; charset=utf-8', page.html(), headers)
        : send(200, 'application/json; charset=utf-8', `${page.json()}\n`, headers)
    } catch (e) {
      return text(500, e instanceof Error ? e.message : String(e))
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
