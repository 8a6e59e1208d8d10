/**
 * One daemon per ZFS API on a host. Two daemons against one API would each plan from the same listing and
 * act twice: duplicate snapshot names refused, two syncs to one destination, retention racing a sync. So
 * `run` takes a lock before it starts, and a second `run` refuses with a clear message.
 *
 * The lock is a file named after the API's URL (`zfs-autobackup-<hash>.lock`) holding the owner's pid:
 * - it survives crashes: a file whose pid is no longer a running zfs-autobackup is stale and taken over
 *   (the pid is checked with `kill(pid, 0)` and, where `/proc` exists, its command line, so a pid reused
 *   by another program does not keep the lock);
 * - it is never removed, only rewritten: its modification time is refreshed every cycle and at shutdown,
 *   so the next start knows when the previous daemon was last alive (and logs the migrations that ended
 *   since).
 *
 * Where: `$ZFS_AUTOBACKUP_LOCK_DIR`, else `/run/zfs-autobackup` when it exists (the systemd unit's
 * `RuntimeDirectory`, shared with an administrator's manual `run` on the host), else the system's
 * temporary directory.
 *
 * @since 0.1.0
 */
import { createHash } from 'node:crypto'
import { open, readFile, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Lock {
  readonly path: string
  /** When the previous owner was last alive (its last refresh), if there was one. */
  readonly previousAliveAt: number | undefined
  /** Marks the daemon alive now (every cycle and at shutdown). */
  readonly refresh: () => Promise<void>
}

export interface LockDeps {
  readonly pid: number
  /** Whether `pid` is a running zfs-autobackup. */
  readonly isRunning: (pid: number) => Promise<boolean>
}

const RUNTIME_DIR = '/run/zfs-autobackup'

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** The directory the lock lives in (see the module comment). */
export const lockDir = async (env: Readonly<Record<string, string | undefined>>): Promise<string> => {
  const given = env['ZFS_AUTOBACKUP_LOCK_DIR']
  if (given !== undefined && given !== '') return given
  const run = await stat(RUNTIME_DIR).then(
    (s) => s.isDirectory(),
    () => false,
  )
  return run ? RUNTIME_DIR : tmpdir()
}

export const lockPath = (dir: string, apiUrl: string): string =>
  join(
    dir,
    `zfs-autobackup-${createHash('sha256').update(apiUrl.replace(/\/+$/, '')).digest('hex').slice(0, 16)}.lock`,
  )

/** A pid that answers `kill(pid, 0)` and, where `/proc` tells, runs zfs-autobackup (node …main.js). */
export const isRunningDaemon = async (pid: number): Promise<boolean> => {
  try {
    process.kill(pid, 0)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined)
  return cmdline === undefined || /zfs-autobackup|main\.js/.test(cmdline)
}

/**
 * Takes the lock for `apiUrl`, or says who holds it. Left: the message for the operator (the caller
 * exits); an unusable directory is not a reason to stop backups, so it is a Right without a lock.
 */
export const acquire = async (
  dir: string,
  apiUrl: string,
  deps: LockDeps = { pid: process.pid, isRunning: isRunningDaemon },
): Promise<E.Either<string, Lock | { readonly unavailable: string }>> => {
  const path = lockPath(dir, apiUrl)
  const content = `${deps.pid}\n${apiUrl}\n`
  const unavailable = (e: unknown) => E.right({ unavailable: `${path}: ${(e as Error).message}` })
  try {
    const f = await open(path, 'wx', 0o644)
    await f.writeFile(content)
    await f.close()
    return E.right(held(path, undefined))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return unavailable(e)
  }
  const text = await readFile(path, 'utf8').catch(() => '')
  const owner = Number.parseInt(text.split('\n')[0] ?? '', 10)
  if (Number.isInteger(owner) && owner > 0 && owner !== deps.pid && (await deps.isRunning(owner)))
    return E.left(
      `another zfs-autobackup (pid ${owner}) is already running against the ZFS API at ${apiUrl} (lock ${path}); two would act twice on the same datasets. Stop it first (or, if that pid is not zfs-autobackup, remove the lock file).`,
    )
  // Stale (the owner crashed or stopped): take it over, keeping when it was last alive.
  const aliveAt = await stat(path).then(
    (s) => s.mtimeMs,
    () => undefined,
  )
  try {
    await writeFile(path, content, { flag: 'w' })
    return E.right(held(path, aliveAt))
  } catch (e) {
    return unavailable(e)
  }
}

const held = (path: string, previousAliveAt: number | undefined): Lock => ({
  path,
  previousAliveAt,
  refresh: async () => {
    const now = new Date()
    await utimes(path, now, now).catch(() => undefined)
  },
})
