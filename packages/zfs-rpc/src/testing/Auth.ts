/**
 * The API's auth (contract §1.5): localhost needs nothing, others a Bearer token from `auth_login` that
 * expires after 30 minutes of the injected clock. Tokens are opaque JWT-shaped strings checked by lookup.
 *
 * @since 0.1.0
 */
import type { Clock } from '../Clock.js'
import { type Prng, randomHex } from './Prng.js'

export interface AuthOptions {
  /** username → password (plain text: the simulator holds no real secrets). */
  readonly users: Readonly<Record<string, string>>
  /** Enforce auth for every caller, localhost included (the simulator listens on 127.0.0.1 only). */
  readonly requireAuth?: boolean
}

export const TOKEN_TTL_S = 1800
const LOCAL = new Set(['127.0.0.1', '::1', 'localhost'])

export type AuthCheck = 'ok' | { readonly code: number; readonly message: string }

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url')

export class Auth {
  private readonly tokens = new Map<string, number>()

  constructor(
    private readonly options: AuthOptions | undefined,
    private readonly clock: Clock,
    private readonly prng: Prng,
  ) {}

  login(username: unknown, password: unknown): { token: string; expires_in: number } | undefined {
    const users = this.options?.users ?? {}
    if (typeof username !== 'string' || !Object.hasOwn(users, username) || users[username] !== password)
      return undefined
    const exp = this.clock.now() + TOKEN_TTL_S * 1000
    const token = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: username, exp: Math.floor(exp / 1000) })}.${randomHex(this.prng, 43)}`
    this.tokens.set(token, exp)
    return { token, expires_in: TOKEN_TTL_S }
  }

  /** The `require_auth` decorator's checks, in its order. */
  check(remoteAddress: string, authorization: string | undefined): AuthCheck {
    if (this.options === undefined) return 'ok'
    if (LOCAL.has(remoteAddress) && this.options.requireAuth !== true) return 'ok'
    if (authorization === undefined || !authorization.startsWith('Bearer '))
      return { code: -32001, message: 'Authentication required' }
    const exp = this.tokens.get(authorization.slice('Bearer '.length))
    if (exp === undefined || exp <= this.clock.now()) return { code: -32002, message: 'Invalid token' }
    return 'ok'
  }
}
