/**
 * Config fuzzing, the hot-reload half (the decoder half is test/config/Decode.prop.test.ts: 3,000 mutated
 * versions, each error naming its path and line). Here broken files go through the daemon's own reload
 * function (`Reloader.make`, as `Supervisor` wires it): a broken file is always `Invalid` with the path of
 * what broke, on the 60 s re-read and on SIGHUP alike, and never replaces the running config; under the
 * running daemon the old datasets keep being backed up and a dataset only the broken file names is never
 * touched, until a valid file applies.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import type { Config } from '../../src/config/Config.js'
import { decodeConfig } from '../../src/config/Decode.js'
import * as Reloader from '../../src/daemon/Reloader.js'
import { memoryLog } from '../daemon/Harness.js'
import { MINUTE, makeWorld } from './World.js'

const dir = mkdtempSync(join(tmpdir(), 'reload-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [k: string]: Json }
type Doc = Record<string, Json>

const baseDoc = (datasets: ReadonlyArray<string>): Doc => ({
  server: {
    backup_interval: 60,
    schedule: { days: '1111111', hours: '1'.repeat(24) },
    retention: { frequent: 3, hourly: 2, daily: 1, weekly: 0, monthly: 0, yearly: 0 },
    remote_sync: { enabled: false, interval: 86400, days: '1111111', hours: '1'.repeat(24) },
    timezone: 'UTC',
  },
  zfs_api: { url: 'http://localhost:8545', timeout: 30 },
  datasets: datasets.map((d) => ({
    local_dataset: d,
    destinations: [{ remote_host: 'nas', remote_dataset: `backup/${d.split('/').pop()}`, enabled: true }],
  })),
})

const decode = (text: string) => decodeConfig(text, { defaultZone: 'UTC' })

const configOf = (text: string): Config => {
  const r = decode(text)
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
  return r.right
}

// -------------------------------------------------------------------------------------
// broken files: a planted bad value at a known path, or damaged text
// -------------------------------------------------------------------------------------

type Path = ReadonlyArray<string | number>

const setIn = (doc: Json, path: Path, value: Json | undefined): Json => {
  const [head, ...rest] = path
  if (head === undefined) return value ?? null
  if (Array.isArray(doc)) return doc.map((v, i) => (i === head ? setIn(v, rest, value) : v))
  const obj = { ...(doc as Doc) }
  if (rest.length === 0 && value === undefined) delete obj[head as string]
  else obj[head as string] = setIn(obj[head as string] ?? {}, rest, value)
  return obj
}

const SHELL = [';', '|', '&', '$(', '`', '<', '>', ' ', '"', "'", '\\', '*', '\n', '@', '#']

/** [path as the error names it, path in the document, bad value (undefined: key removed)]. */
const planted: fc.Arbitrary<readonly [string, Path, Json | undefined]> = fc.oneof(
  fc
    .constantFrom<Json>('600', -1, 0, 59, 1e300, 2 ** 53, [60], { x: 1 }, true)
    .map((v) => ['server.backup_interval', ['server', 'backup_interval'], v] as const),
  fc
    .constantFrom<Json>('111111', '11111111', '111111a', 111111, '', [1])
    .map((v) => ['server.schedule.days', ['server', 'schedule', 'days'], v] as const),
  fc
    .constantFrom<Json>('1'.repeat(23), `${'1'.repeat(23)}2`, 'all', 0)
    .map((v) => ['server.remote_sync.hours', ['server', 'remote_sync', 'hours'], v] as const),
  fc
    .constantFrom<Json>(-1, 1.5, '3', 1e12, 1e300, [3])
    .map((v) => ['server.retention.hourly', ['server', 'retention', 'hourly'], v] as const),
  fc
    .constantFrom<Json>('yes', 1, 'true')
    .map((v) => ['server.remote_sync.enabled', ['server', 'remote_sync', 'enabled'], v] as const),
  fc
    .constantFrom<Json>('Mars/Base', '', 'UTC+25', 7)
    .map((v) => ['server.timezone', ['server', 'timezone'], v] as const),
  fc
    .constantFrom<Json>('localhost:8545', 'ftp://x', '', 8545)
    .map((v) => ['zfs_api.url', ['zfs_api', 'url'], v] as const),
  fc
    .tuple(fc.constantFrom('tank/a', 'tank'), fc.constantFrom(...SHELL), fc.constantFrom('', 'x', 'rm -rf /'))
    .map(
      ([a, m, b]) => ['datasets[0].local_dataset', ['datasets', 0, 'local_dataset'], `${a}${m}${b}`] as const,
    ),
  fc
    .constantFrom<Json>('', '/tank', 'tank//a', 'tank/', 42, null)
    .map((v) => ['datasets[0].local_dataset', ['datasets', 0, 'local_dataset'], v] as const),
  fc
    .constantFrom<Json>('nas;reboot', 'root@nas', 'nas x', '', 5)
    .map(
      (v) =>
        [
          'datasets[0].destinations[0].remote_host',
          ['datasets', 0, 'destinations', 0, 'remote_host'],
          v,
        ] as const,
    ),
  fc.constant(['datasets[0].local_dataset', ['datasets', 0, 'local_dataset'], undefined] as const),
  fc
    .constantFrom('retension', 'Enabled', 'backupinterval')
    .map((k) => [`server.${k}`, ['server', k], 1] as const),
)

/** Text-level damage: insertions, deletions, truncation, or nothing at all. */
const damaged = (text: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constant(''),
    fc.constant('   \n# only a comment\n'),
    fc.nat({ max: text.length }).map((n) => text.slice(0, n)),
    fc
      .tuple(
        fc.nat({ max: text.length }),
        fc.constantFrom(':', '- ', '\t', '[', '{', '"', '&a ', '*a', '!!binary ', '---\n', '\n  x: 1\n', '%'),
      )
      .map(([at, s]) => text.slice(0, at) + s + text.slice(at)),
  )

// -------------------------------------------------------------------------------------
// the reload function itself
// -------------------------------------------------------------------------------------

describe('hot reload of broken files (the daemon reload function)', () => {
  const good = stringify(baseDoc(['tank/a']))
  const running = configOf(good)
  let file = 0
  const reloadOnce = async (text: string, full: boolean) => {
    const path = join(dir, `c${file++}.yaml`)
    writeFileSync(path, text)
    let current = running
    const reload = Reloader.make(
      path,
      () => current,
      (c) => {
        current = c
      },
    )
    return { result: await reload(full), kept: current === running }
  }

  it('a planted bad value: Invalid naming its path, old config kept, 60 s re-read and SIGHUP alike (1,000 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(planted, fc.boolean(), async ([shown, path, value], full) => {
        const text = stringify(setIn(baseDoc(['tank/a', 'tank/b']), path, value))
        const { result, kept } = await reloadOnce(text, full)
        expect(result._tag).toBe('Invalid')
        if (result._tag === 'Invalid') expect(result.why).toContain(shown)
        expect(kept).toBe(true)
      }),
      { numRuns: 1000, seed: 6 },
    )
  })

  it('damaged text: Invalid unless it still decodes, and never applied half (500 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(damaged(good), fc.boolean(), async (text, full) => {
        const { result, kept } = await reloadOnce(text, full)
        if (E.isLeft(decode(text))) {
          expect(result._tag).toBe('Invalid')
          expect(kept).toBe(true)
        } else expect(result._tag).not.toBe('Invalid')
      }),
      { numRuns: 500, seed: 6 },
    )
  })

  it('a missing file, a directory and an oversized file are Invalid with the reason', async () => {
    let current = running
    const commit = (c: Config) => {
      current = c
    }
    const missing = await Reloader.make(join(dir, 'nope.yaml'), () => current, commit)(true)
    expect(missing).toEqual({ _tag: 'Invalid', why: expect.stringContaining('no such file') })
    const directory = await Reloader.make(dir, () => current, commit)(true)
    expect(directory).toEqual({ _tag: 'Invalid', why: expect.stringContaining('not a regular file') })
    const big = join(dir, 'big.yaml')
    writeFileSync(big, `${good}\n#${'x'.repeat(2 * 1024 * 1024)}\n`)
    expect(await Reloader.make(big, () => current, commit)(true)).toMatchObject({ _tag: 'Invalid' })
    expect(current).toBe(running)
  })
})

// -------------------------------------------------------------------------------------
// under the running daemon
// -------------------------------------------------------------------------------------

describe('hot reload under the running daemon', () => {
  it('keeps backing up the old datasets through 40 broken versions and a SIGHUP, then applies a good file', async () => {
    const path = join(dir, 'live.yaml')
    const good = stringify(baseDoc(['tank/a']))
    writeFileSync(path, good)
    let current = configOf(good)
    const log = memoryLog()
    const w = makeWorld({
      seed: 5,
      start: Date.UTC(2026, 4, 4, 10, 0),
      zone: current.timezone,
      policy: current.policy,
      datasets: current.datasets,
      log,
      daemon: {
        reloadEveryMs: MINUTE,
        reload: Reloader.make(
          path,
          () => current,
          (c) => {
            current = c
          },
        ),
      },
    })
    w.sim.seed.dataset('tank/b')
    /**
     * A minute of virtual time; the reload's file I/O runs in real time, so wait until the loop is parked in
     * its sleep again (two sleepers: the loop and the migration monitor).
     */
    const minute = async () => {
      await w.clock.advance(MINUTE)
      for (let i = 0; i < 200 && w.clock.pending() < 2; i++) {
        await new Promise((r) => setTimeout(r, 5))
        await w.clock.advance(0)
      }
    }
    w.start()
    for (let i = 0; i < 3; i++) await minute()
    const mutations = fc.sample(planted, { numRuns: 40, seed: 11 })
    for (const [i, [shown, p, value]] of mutations.entries()) {
      // Each broken version also adds tank/b: it must not be backed up while the file is broken.
      writeFileSync(path, `${stringify(setIn(baseDoc(['tank/a', 'tank/b']), p, value))}# v${i}\n`)
      if (i === 20) w.daemon.reloadNow()
      await minute()
      expect(log.text('error').at(-1)).toContain(shown)
    }
    expect(w.daemon.settings().datasets.map((d) => d.dataset)).toEqual(['tank/a'])
    expect(w.sim.inspect.snapshots('tank/b')).toEqual([])
    const ours = w.sim.inspect.snapshots('tank/a').length
    expect(ours).toBeGreaterThanOrEqual(3) // retention 3 frequent + hourly/daily: it kept running
    expect(w.alive()).toBe(true)

    writeFileSync(path, stringify(baseDoc(['tank/a', 'tank/b'])))
    for (let i = 0; i < 3; i++) await minute()
    expect(w.daemon.settings().datasets.map((d) => d.dataset)).toEqual(['tank/a', 'tank/b'])
    expect(w.sim.inspect.snapshots('tank/b').length).toBeGreaterThan(0)
    expect(await w.stop()).toEqual({ _tag: 'Stopped' })
  })
})
