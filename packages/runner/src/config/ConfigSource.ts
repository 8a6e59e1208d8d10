/**
 * Reads a config file and decodes it. The only I/O of the config module; the reload loop calls it again
 * and keeps the old config whenever this returns a Left.
 *
 * @since 0.1.0
 */
import { readFile, stat } from 'node:fs/promises'
import type { Credentials } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { Config, PasswordSource, ZfsApiSettings } from './Config.js'
import type { ConfigErrors } from './ConfigError.js'
import { decodeConfig } from './Decode.js'

/** A config file is a few kilobytes; anything this big is the wrong file. */
const MAX_BYTES = 1024 * 1024

export interface LoadOptions {
  /** Default for `server.timezone`; the host's zone when absent. */
  readonly defaultZone?: string
}

/** Load options from the environment: `TZ`, when set and not empty, is the default zone. */
export const zoneFrom = (env: Readonly<Record<string, string | undefined>>): LoadOptions => {
  const tz = env['TZ']
  return tz === undefined || tz === '' ? {} : { defaultZone: tz }
}

/** The zone this process runs in (TZ or /etc/localtime), as Intl resolves it. */
export const hostZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone

/**
 * Reads `path` and decodes it: every problem, an unreadable file too, is a Left that names the file (or
 * the field and line). Never rejects; it runs at once, so it is an `async` function, not a `TaskEither`.
 */
export const loadConfig = async (
  path: string,
  options: LoadOptions = {},
): Promise<E.Either<ConfigErrors, Config>> => {
  const text = await readText(path)
  if (E.isLeft(text)) return E.left([{ _tag: 'Unreadable', message: text.left }])
  return decodeConfig(text.right, {
    defaultZone: options.defaultZone ?? hostZone(),
    defaultZoneGuessed: options.defaultZone === undefined,
  })
}

/** The file's text, or why not (`/etc/x.yaml: no such file`): `fs` rejects, this turns it into a value. */
const readText = async (path: string): Promise<E.Either<string, string>> => {
  try {
    const info = await stat(path)
    if (!info.isFile()) return E.left(`${path} is not a regular file`)
    if (info.size > MAX_BYTES) return E.left(`${path} is ${info.size} bytes (at most ${MAX_BYTES})`)
    return E.right(await readFile(path, 'utf8'))
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    const why =
      err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message
    return E.left(`${path}: ${why}`)
  }
}

type Env = Readonly<Record<string, string | undefined>>

/** Why a secret could not be read; never its content. */
type SecretProblem =
  | { readonly _tag: 'Unset'; readonly name: string }
  | { readonly _tag: 'Unreadable'; readonly path: string; readonly why: string }
  | { readonly _tag: 'Empty'; readonly path: string }

/**
 * The one way a secret (the API password, the status page's token) is read from its `PasswordSource`: a
 * variable's value, or a file's content with surrounding white space removed (secret files usually end
 * with a newline that is not part of the secret). Unset, unreadable or empty is a problem, never ''.
 */
const readSecret = async (source: PasswordSource, env: Env): Promise<E.Either<SecretProblem, string>> => {
  if (source._tag === 'Env') {
    const value = env[source.name]
    return value === undefined || value === '' ? E.left({ _tag: 'Unset', name: source.name }) : E.right(value)
  }
  const { path } = source
  return readFile(path, 'utf8').then(
    (text) => (text.trim() === '' ? E.left({ _tag: 'Empty', path }) : E.right(text.trim())),
    (e: NodeJS.ErrnoException) =>
      E.left({ _tag: 'Unreadable', path, why: e.code === 'ENOENT' ? 'no such file' : (e.code ?? e.message) }),
  )
}

/**
 * The API password getter (zfs-rpc's `Secret`). It reads the file or variable at each login, so rotating
 * the secret needs no restart; when it cannot, its Left names the source but never holds the password (the
 * client reports it as the login's error).
 */
const passwordGetter = (source: PasswordSource, env: Env) => async (): Promise<E.Either<string, string>> =>
  pipe(
    await readSecret(source, env),
    E.mapLeft((p) =>
      p._tag === 'Unset'
        ? `environment variable ${p.name} is not set`
        : p._tag === 'Unreadable'
          ? `password file ${p.path}: ${p.why}`
          : `password file ${p.path} is empty`,
    ),
  )

/**
 * The status page's bearer token (`server.metrics.token_file`/`token_env`), read once per start or reload:
 * undefined when none is configured, Left (why, without the token) when it cannot be read or is empty.
 */
export const pageTokenOf = async (c: Config, env: Env): Promise<E.Either<string, string | undefined>> => {
  const source = c.metrics.token
  if (source === undefined) return E.right(undefined)
  return pipe(
    await readSecret(source, env),
    E.mapLeft((p) =>
      p._tag === 'Unset'
        ? `server.metrics.token_env: $${p.name} is empty or unset`
        : p._tag === 'Unreadable'
          ? `cannot read server.metrics.token_file ${p.path}: ${p.why}`
          : `server.metrics.token_file ${p.path} is empty`,
    ),
  )
}

/**
 * The one credentials path: the client credentials for `zfs_api.auth`, shared by the daemon and the
 * operator tools, or undefined when the config has no `auth`.
 */
export const credentialsOf = (c: Config, env: Env): Credentials | undefined => credentialsFor(c.zfsApi, env)

/** The same for any API's settings (a destination's backup host API too). */
export const credentialsFor = (settings: ZfsApiSettings, env: Env): Credentials | undefined => {
  const auth = settings.auth
  return auth === undefined
    ? undefined
    : { username: auth.username, password: passwordGetter(auth.password, env) }
}
