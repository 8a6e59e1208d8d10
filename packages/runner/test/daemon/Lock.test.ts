import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as Lock from '../../src/daemon/Lock.js'

const URL = 'http://localhost:8545'
const dir = () => mkdtempSync(join(tmpdir(), 'zab-lock-'))
const running = (pids: ReadonlyArray<number>) => async (pid: number) => pids.includes(pid)

describe('Lock', () => {
  it('a second daemon against the same API refuses with a clear message; another API is free', async () => {
    const d = dir()
    const first = await Lock.acquire(d, URL, { pid: 100, isRunning: running([100]) })
    expect(E.isRight(first) && 'path' in first.right).toBe(true)
    const second = await Lock.acquire(d, `${URL}/`, { pid: 200, isRunning: running([100, 200]) })
    expect(second).toEqual(
      E.left(
        expect.stringMatching(
          /^another zfs-autobackup \(pid 100\) is already running against the ZFS API at/,
        ),
      ),
    )
    const other = await Lock.acquire(d, 'http://nas:8545', { pid: 200, isRunning: running([100, 200]) })
    expect(E.isRight(other) && 'path' in other.right).toBe(true)
  })

  it('a lock left by a crashed daemon is taken over, with when it was last alive', async () => {
    const d = dir()
    const path = Lock.lockPath(d, URL)
    writeFileSync(path, `100\n${URL}\n`)
    utimesSync(path, new Date(1_700_000_000_000), new Date(1_700_000_000_000))
    const r = await Lock.acquire(d, URL, { pid: 200, isRunning: running([200]) })
    if (E.isLeft(r) || !('path' in r.right)) throw new Error('not taken over')
    expect(r.right.previousAliveAt).toBe(1_700_000_000_000)
    expect(readFileSync(path, 'utf8')).toBe(`200\n${URL}\n`)
    await r.right.refresh()
    const again = await Lock.acquire(d, URL, { pid: 300, isRunning: running([300]) })
    expect(E.isRight(again) && 'path' in again.right && again.right.previousAliveAt).toBeGreaterThan(
      1_700_000_000_000,
    )
  })

  it('garbage in the lock file is stale, not a reason to refuse', async () => {
    const d = dir()
    writeFileSync(Lock.lockPath(d, URL), 'not a pid')
    const r = await Lock.acquire(d, URL, { pid: 200, isRunning: running([200]) })
    expect(E.isRight(r) && 'path' in r.right).toBe(true)
  })

  it('an unusable directory leaves the daemon running without a lock (backups matter more)', async () => {
    const r = await Lock.acquire('/nonexistent/dir', URL, { pid: 200, isRunning: running([]) })
    expect(E.isRight(r) && 'unavailable' in r.right).toBe(true)
  })

  it('this very process counts as a running daemon only by its command line', async () => {
    expect(await Lock.isRunningDaemon(999_999_999)).toBe(false)
  })

  it('the directory: $ZFS_AUTOBACKUP_LOCK_DIR, else /run/zfs-autobackup if present, else the temp dir', async () => {
    expect(await Lock.lockDir({ ZFS_AUTOBACKUP_LOCK_DIR: '/x' })).toBe('/x')
    expect(['/run/zfs-autobackup', tmpdir()]).toContain(await Lock.lockDir({}))
  })
})
