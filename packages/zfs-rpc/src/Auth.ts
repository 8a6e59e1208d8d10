/**
 * Bearer-token session for `auth_login`. No login is made for a loopback URL (the API lets localhost in
 * without credentials) until the server asks for one. The token is reused until shortly before it expires
 * (30 min) and dropped when the server calls it invalid, so the next round trip logs in again.
 * The password is read only when logging in, and never appears in errors or log events.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Clock } from './Clock.js'
import type { Login } from './ReplyCodecs.js'
import type { RpcError } from './RpcError.js'
import * as R from './RpcError.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The password itself, or a getter called at each login (it reads a file or env var, so rotation needs no
 * restart). A getter that has none says why as a Left, naming the source but never the secret; one that
 * throws instead is treated the same.
 */
export type Secret = string | (() => string | Promise<string> | Promise<E.Either<string, string>>)

export interface Credentials {
  readonly username: string
  readonly password: Secret
}

export type LoginCall = (username: string, password: string) => Promise<E.Either<RpcError, Login>>

export interface Session {
  /** Headers for the next round trip; logs in first when a token is due. */
  readonly headers: () => Promise<E.Either<RpcError, Readonly<Record<string, string>>>>
  /** The server rejected the token or wants one: log in before the next round trip. */
  readonly invalidate: () => void
  /** Whether credentials exist, i.e. whether an auth error can be cured by logging in. */
  readonly canLogin: boolean
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** Renew this long before the announced expiry, to cover clock skew and a slow round trip. */
const RENEW_MARGIN_MS = 60_000

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

export const isLoopback = (url: string): boolean => {
  try {
    return LOOPBACK.has(new URL(url).hostname)
  } catch {
    return false
  }
}

/**
 * The password, or why there is none: a getter's Left, or what a getter threw (a getter is the caller's
 * code, so this is the boundary where a throw becomes a value). The why names the source, never the secret.
 */
const passwordOf = async (password: Secret): Promise<E.Either<string, string>> => {
  if (typeof password === 'string') return E.right(password)
  try {
    const got = await password()
    return typeof got === 'string' ? E.right(got) : got
  } catch (err) {
    return E.left(err instanceof Error ? err.message : String(err))
  }
}

export const noSession: Session = {
  headers: async () => E.right({}),
  invalidate: () => undefined,
  canLogin: false,
}

export const makeSession = (
  credentials: Credentials,
  clock: Clock,
  loginNow: boolean,
  login: LoginCall,
  onLogin: (username: string) => void,
): Session => {
  let token: { readonly value: string; readonly renewAt: number } | undefined
  let wanted = loginNow
  let inFlight: Promise<E.Either<RpcError, string>> | undefined

  const fresh = async (): Promise<E.Either<RpcError, string>> => {
    const secret = await passwordOf(credentials.password)
    if (E.isLeft(secret))
      return E.left(
        R.transport('auth_login', `cannot read the password: ${secret.left}`, false, 'ENOPASSWORD'),
      )
    onLogin(credentials.username)
    const res = await login(credentials.username, secret.right)
    if (E.isLeft(res)) return res
    token = {
      value: res.right.token,
      renewAt: clock.now() + Math.max(0, res.right.expiresInSeconds * 1000 - RENEW_MARGIN_MS),
    }
    return E.right(token.value)
  }

  return {
    canLogin: true,
    invalidate: () => {
      token = undefined
      wanted = true
    },
    headers: async () => {
      if (token !== undefined && clock.now() < token.renewAt)
        return E.right({ authorization: `Bearer ${token.value}` })
      if (token === undefined && !wanted) return E.right({})
      // Concurrent callers share one login.
      inFlight ??= fresh().finally(() => {
        inFlight = undefined
      })
      const res = await inFlight
      return E.map((t: string) => ({ authorization: `Bearer ${t}` }))(res)
    },
  }
}
