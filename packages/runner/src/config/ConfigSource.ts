/**
 * Reads a config file and decodes it. The only I/O of the config module; the reload loop calls it again
 * and keeps the old config whenever this returns a Left.
 *
 * @since 0.1.0
 */
import { readFile, stat } from 'node:fs/promises'
import type { Credentials } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { Config, PasswordSource } from './Config.js'
import type { ConfigErrors } from './ConfigError.js'
import { decodeConfig } from './Decode.js'

/** A config file is a few kilobytes; anything this big is the wrong file. */
const MAX_BYTES = 1024 * 1024

export interface LoadOptions {
  /** Default for `server.timezone`; the host's zone when absent. */
  readonly defaultZone?: string
}

/** The zone this process runs in (TZ or /etc/localtime), as Intl resolves it. */
export const hostZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone

/** Never rejects: unreadable files are a Left like any other config error. */
export const loadConfig =
  (path: string, options: LoadOptions = {}): TE.TaskEither<ConfigErrors, Config> =>
  async () => {
    try {
      const info = await stat(path)
      if (!info.isFile()) return E.left([{ _tag: 'Unreadable', message: `${path} is not a regular file` }])
      if (info.size > MAX_BYTES)
        return E.left([
          { _tag: 'Unreadable', message: `${path} is ${info.size} bytes (at most ${MAX_BYTES})` },
        ])
      const text = await readFile(path, 'utf8')
      return decodeConfig(text, { defaultZone: options.defaultZone ?? hostZone() })
    } catch (e) {
      const err = e as NodeJS.ErrnoException
      const why =
        err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message
      return E.left([{ _tag: 'Unreadable', message: `${path}: ${why}` }])
    }
  }

/**
 * The API password getter (the shape zfs-rpc's `Credentials.password` accepts). It reads the file or
 * variable at each login, so rotating the secret needs no restart; it rejects with a message that names
 * the source but never contains the password (the client reports it as the login's error).
 */
const passwordGetter =
  (source: PasswordSource, env: Readonly<Record<string, string | undefined>>) =>
  async (): Promise<string> => {
    if (source._tag === 'Env') {
      const value = env[source.name]
      if (value === undefined || value === '')
        throw new Error(`environment variable ${source.name} is not set`)
      return value
    }
    const text = await readFile(source.path, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new Error(
        `password file ${source.path}: ${e.code === 'ENOENT' ? 'no such file' : (e.code ?? e.message)}`,
      )
    })
    // Secret files usually end with a newline that is not part of the password.
    const password = text.replace(/\r?\n$/, '')
    if (password === '') throw new Error(`password file ${source.path} is empty`)
    return password
  }

/**
 * The status page's bearer token (`server.metrics.token_file`/`token_env`), read once per start or reload:
 * undefined when none is configured, Left (why, without the token) when it cannot be read or is empty.
 */
export const pageTokenOf = async (
  c: Config,
  env: Readonly<Record<string, string | undefined>>,
): Promise<E.Either<string, string | undefined>> => {
  const source = c.metrics.token
  if (source === undefined) return E.right(undefined)
  const token =
    source._tag === 'File'
      ? await readFile(source.path, 'utf8').then(
          (t) => E.right(t.trim()),
          (e: unknown) =>
            E.left(
              `cannot read server.metrics.token_file ${source.path}: ${e instanceof Error ? e.message : String(e)}`,
            ),
        )
      : E.right(env[source.name] ?? '')
  return E.chain((t: string) =>
    t === ''
      ? E.left(
          source._tag === 'File'
            ? `server.metrics.token_file ${source.path} is empty`
            : `server.metrics.token_env: $${source.name} is empty or unset`,
        )
      : E.right(t),
  )(token)
}

/**
 * The one credentials path: the client credentials for `zfs_api.auth`, shared by the daemon and the
 * operator tools, or undefined when the config has no `auth`.
 */
export const credentialsOf = (
  c: Config,
  env: Readonly<Record<string, string | undefined>>,
): Credentials | undefined => {
  const auth = c.zfsApi.auth
  return auth === undefined
    ? undefined
    : { username: auth.username, password: passwordGetter(auth.password, env) }
}
