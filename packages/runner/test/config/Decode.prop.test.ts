/**
 * Config fuzzing (issue 6): thousands of mutated versions of the shipped example never make the decoder
 * throw; every error names a path and a line inside the file; every planted mutation is reported at its
 * own path, all at once; and valid configs decode to exactly what was written.
 */
import * as fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import * as CE from '../../src/config/ConfigError.js'
import { formatPath } from '../../src/config/Decode.js'
import { decode, exampleText } from './fixtures.js'

type Path = ReadonlyArray<string | number>
type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [k: string]: Json }

/** The example plus a second dataset with two destinations, so list paths have depth. */
const base = (): Record<string, Json> => {
  const doc = parse(exampleText) as Record<string, Json>
  const datasets = doc['datasets'] as Array<Json>
  datasets.push({
    local_dataset: 'tank/home',
    recursive: true,
    destinations: [
      { remote_host: 'nas-2.example.org', enabled: false },
      { remote_host: 'fd00::2', remote_dataset: 'b/home' },
    ],
  })
  return doc
}

const setIn = (doc: Json, path: Path, value: Json | undefined): Json => {
  const [head, ...rest] = path
  if (head === undefined) return value ?? null
  if (Array.isArray(doc)) return doc.map((v, i) => (i === head ? setIn(v, rest, value) : v))
  const obj = { ...(doc as Record<string, Json>) }
  if (rest.length === 0 && value === undefined) delete obj[head as string]
  else obj[head as string] = setIn(obj[head as string] ?? {}, rest, value)
  return obj
}

// -------------------------------------------------------------------------------------
// planted mutations: each one must be reported at `path`
// -------------------------------------------------------------------------------------

const wrongType: fc.Arbitrary<Json> = fc.oneof(fc.constant([1, 2]), fc.constant({ x: 1 }), fc.constant([]))
const notInteger = fc.oneof(
  fc.constant('600'),
  fc.double({ min: 1, max: 1e5, noInteger: true }),
  fc.constant(true),
)
const hugeOrNegative = fc.oneof(fc.integer({ min: -1e9, max: -1 }), fc.constant(1e15), fc.constant(1e300))
const badMask = (n: number) =>
  fc.oneof(
    fc.stringMatching(/^[01]+$/).filter((s) => s.length !== n),
    fc.string({ minLength: n, maxLength: n }).filter((s) => !/^[01]*$/.test(s)),
    fc.constant('1'.repeat(n - 1) + '2'),
  )
const SHELL = [';', '|', '&', '$', '`', '(', ')', '<', '>', ' ', '"', "'", '\\', '*', '?', '!', '\n', '\t']
const badDataset = fc.oneof(
  fc.constantFrom('', '/tank', 'tank/', 'tank//a', '-tank', 'tank/..', 'x'.repeat(256)),
  fc
    .tuple(
      fc.constantFrom('tank/a', 'pool'),
      fc.constantFrom('@', '#', ...SHELL),
      fc.constantFrom('', 'b', 'rm -rf /'),
    )
    .map(([a, m, b]) => `${a}${m}${b}`),
)
const badHost = fc.oneof(
  fc.constantFrom('', 'root@nas', 'nas 2', 'nas:tank/x', '999.1.1.1', '-nas', 'a..b', 'nas/x'),
  fc.tuple(fc.constantFrom('nas', '10.0.0.1'), fc.constantFrom('@', ...SHELL)).map(([a, m]) => `${a}${m}x`),
)

interface Mutation {
  readonly path: Path
  readonly value: Json | undefined
}

const leaf = (path: Path, bad: fc.Arbitrary<Json>): fc.Arbitrary<Mutation> =>
  bad.map((value) => ({ path, value }))

const mutations: ReadonlyArray<fc.Arbitrary<Mutation>> = [
  leaf(
    ['server', 'backup_interval'],
    fc.oneof(fc.integer({ min: -5, max: 59 }), notInteger, hugeOrNegative, wrongType),
  ),
  leaf(['server', 'schedule', 'days'], fc.oneof(badMask(7), wrongType)),
  leaf(['server', 'schedule', 'hours'], fc.oneof(badMask(24), wrongType)),
  leaf(['server', 'remote_sync', 'days'], badMask(7)),
  leaf(['server', 'remote_sync', 'hours'], badMask(24)),
  leaf(['server', 'remote_sync', 'interval'], fc.oneof(notInteger, hugeOrNegative)),
  leaf(['server', 'remote_sync', 'enabled'], fc.oneof(fc.constantFrom('yes', 'on', 'true', 1, 0), wrongType)),
  ...['frequent', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'].map((k) =>
    leaf(['server', 'retention', k], fc.oneof(notInteger, hugeOrNegative, fc.constant(1_000_001), wrongType)),
  ),
  leaf(['server', 'timezone'], fc.constantFrom('Mars/Base', 'Europe/Vienn', '', 'UTC+25', 42)),
  leaf(['zfs_api', 'url'], fc.constantFrom('localhost:8545', 'ftp://x', 'http://u:p@h', '', 8545)),
  leaf(['zfs_api', 'timeout'], fc.oneof(fc.constantFrom(0, -1, 1e9, 'thirty'), wrongType)),
  leaf(['datasets', 0, 'local_dataset'], fc.oneof(badDataset, wrongType)),
  leaf(['datasets', 1, 'local_dataset'], badDataset),
  leaf(['datasets', 0, 'destinations', 0, 'remote_host'], fc.oneof(badHost, wrongType)),
  leaf(['datasets', 1, 'destinations', 1, 'remote_host'], badHost),
  leaf(['datasets', 0, 'destinations', 0, 'remote_dataset'], badDataset),
  leaf(['datasets', 1, 'destinations', 0, 'enabled'], fc.constantFrom('no', 'false', 0, 1)),
  leaf(['datasets', 1, 'recursive'], fc.constantFrom('yes', 1, [])),
  // missing required keys
  fc.constant({ path: ['datasets', 0, 'local_dataset'], value: undefined }),
  fc.constant({ path: ['datasets', 1, 'destinations', 0, 'remote_host'], value: undefined }),
  // unknown keys (typos and leftovers) at every level
  fc
    .tuple(
      fc.constantFrom<Path>(
        [],
        ['server'],
        ['server', 'retention'],
        ['zfs_api'],
        ['datasets', 1],
        ['datasets', 0, 'destinations', 0],
      ),
      fc.constantFrom('backupinterval', 'retension', 'remote', 'password', 'Enabled', 'x'),
    )
    .map(([at, key]) => ({ path: [...at, key], value: 1 })),
]

/** 1-4 mutations at distinct paths, none inside another's path. */
const plan = fc
  .uniqueArray(fc.oneof(...mutations), { minLength: 1, maxLength: 4, selector: (m) => formatPath(m.path) })
  .filter((ms) =>
    ms.every((a) => ms.every((b) => a === b || !formatPath(b.path).startsWith(`${formatPath(a.path)}.`))),
  )

const lineCount = (text: string): number => text.split('\n').length

const checkWellFormed = (text: string) => {
  const r = decode(text)
  if (E.isRight(r)) return r
  for (const e of r.left) {
    expect(CE.format(e).length).toBeGreaterThan(0)
    if (e._tag === 'InvalidField') {
      expect(e.message.length).toBeGreaterThan(0)
      if (e.line !== undefined) {
        expect(e.line).toBeGreaterThanOrEqual(1)
        expect(e.line).toBeLessThanOrEqual(lineCount(text))
      }
    }
    if (e._tag === 'YamlSyntax') expect(e.line).toBeLessThanOrEqual(lineCount(text) + 1)
  }
  return r
}

describe('config fuzzing', () => {
  it('reports every planted mutation at its own path, with a line, all at once (1,000 runs)', () => {
    fc.assert(
      fc.property(plan, (ms) => {
        const doc = ms.reduce<Json>((d, m) => setIn(d, m.path, m.value), base())
        const text = stringify(doc)
        const r = checkWellFormed(text)
        expect(E.isLeft(r)).toBe(true)
        if (E.isRight(r)) return
        const reported = new Set(r.left.flatMap((e) => (e._tag === 'InvalidField' ? [e.path] : [])))
        for (const m of ms)
          expect(reported, `${formatPath(m.path)} in ${[...reported].join(', ')}`).toContain(
            formatPath(m.path),
          )
        for (const e of r.left) if (e._tag === 'InvalidField') expect(e.line).toBeDefined()
      }),
      { numRuns: 1000 },
    )
  })

  /** Text-level damage: any edit yields a valid config or clear errors, never an exception. */
  const edit = fc.oneof(
    fc.record({
      at: fc.nat(),
      text: fc.constantFrom(
        '',
        ':',
        '- ',
        '\t',
        '[',
        '{',
        '"',
        '&a ',
        '*a',
        '!!binary ',
        '%YAML 1.1\n',
        '---\n',
        '\n  x: 1\n',
        '#',
        '@',
        '`',
      ),
    }),
    fc.record({ at: fc.nat(), text: fc.string({ maxLength: 8 }) }),
    fc.record({
      at: fc.nat(),
      text: fc.constantFrom('99999999999999999999999', '-1', '1e308', 'null', '~', 'true'),
    }),
  )
  const damaged = fc
    .tuple(fc.array(fc.tuple(edit, fc.nat(20)), { minLength: 1, maxLength: 5 }), fc.boolean())
    .map(([edits, truncate]) => {
      let text = exampleText
      for (const [e, del] of edits) {
        const at = e.at % (text.length + 1)
        text = text.slice(0, at) + e.text + text.slice(at + del)
      }
      return truncate ? text.slice(0, text.length >> 1) : text
    })

  it('never throws on damaged YAML text (1,000 runs)', () => {
    fc.assert(
      fc.property(damaged, (text) => {
        checkWellFormed(text)
      }),
      { numRuns: 1000 },
    )
  })

  it('never throws on arbitrary YAML-ish input, including the empty file', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constant(''),
          fc.string({ maxLength: 200 }),
          fc.json().map((j) => stringify(JSON.parse(j))),
        ),
        (text) => {
          checkWellFormed(text)
        },
      ),
      { numRuns: 500 },
    )
  })

  it('rejects alias bombs instead of expanding them', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from({ length: 8 }, (_, i) => {
        const p = i === 0 ? 'a' : `b${i - 1}`
        return `b${i}: &b${i} [*${p}, *${p}, *${p}, *${p}, *${p}, *${p}, *${p}, *${p}, *${p}, *${p}]`
      }),
      'datasets: []',
    ].join('\n')
    const r = checkWellFormed(bomb)
    expect(E.isLeft(r)).toBe(true)
  })
})

// -------------------------------------------------------------------------------------
// valid configs decode to what was written (the codec law, in YAML terms)
// -------------------------------------------------------------------------------------

const component = fc
  .stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,12}$/)
  .filter((c) => c !== '.' && c !== '..')
const datasetName = fc.array(component, { minLength: 1, maxLength: 4 }).map((cs) => cs.join('/'))
const host = fc.oneof(
  fc
    .array(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/), { minLength: 1, maxLength: 3 })
    .map((ls) => ls.join('.'))
    .filter((h) => !/^[0-9.]+$/.test(h)),
  fc.ipV4(),
)
const mask = (n: number) =>
  fc.array(fc.constantFrom('0', '1'), { minLength: n, maxLength: n }).map((cs) => cs.join(''))
const validConfig = fc.record({
  server: fc.record({
    backup_interval: fc.integer({ min: 60, max: 86400 * 30 }),
    schedule: fc.record({ days: mask(7), hours: mask(24) }),
    retention: fc.record({
      frequent: fc.nat(100),
      hourly: fc.nat(100),
      daily: fc.nat(100),
      weekly: fc.nat(100),
      monthly: fc.nat(100),
      yearly: fc.nat(100),
    }),
    remote_sync: fc.record({
      enabled: fc.boolean(),
      interval: fc.integer({ min: 60, max: 864000 }),
      days: mask(7),
      hours: mask(24),
    }),
    timezone: fc.constantFrom('UTC', 'Europe/Vienna', 'America/New_York', 'Asia/Kolkata'),
  }),
  datasets: fc
    .uniqueArray(
      fc.record({
        local_dataset: datasetName,
        recursive: fc.boolean(),
        destinations: fc.uniqueArray(
          fc.record({ remote_host: host, remote_dataset: datasetName, enabled: fc.boolean() }),
          {
            maxLength: 3,
            selector: (d) => d.remote_host,
          },
        ),
      }),
      { maxLength: 5, selector: (d) => d.local_dataset },
    )
    .map((ds) =>
      // Valid trees only: nothing configured inside one (a tree may be replicated, enabled or not).
      ds.map((d) =>
        d.recursive && ds.some((o) => o.local_dataset.startsWith(`${d.local_dataset}/`))
          ? { ...d, recursive: false }
          : d,
      ),
    ),
})

describe('valid configs', () => {
  it('decode to exactly the values written, quoted or not (300 runs)', () => {
    fc.assert(
      fc.property(validConfig, fc.boolean(), (raw, quoteMasks) => {
        const text = stringify(raw, { defaultStringType: quoteMasks ? 'QUOTE_DOUBLE' : 'PLAIN' })
        const r = decode(text)
        if (E.isLeft(r)) throw new Error(r.left.map(CE.format).join('\n'))
        const c = r.right
        expect(c.policy.backupIntervalSeconds).toBe(raw.server.backup_interval)
        expect(c.policy.snapshotWindow).toEqual(raw.server.schedule)
        expect(c.policy.retention).toEqual(raw.server.retention)
        expect(c.policy.remoteSync.window).toEqual({
          days: raw.server.remote_sync.days,
          hours: raw.server.remote_sync.hours,
        })
        expect(c.timezone).toBe(raw.server.timezone)
        expect(c.datasets).toEqual(
          raw.datasets.map((d) => ({
            dataset: d.local_dataset,
            recursive: d.recursive,
            destinations: d.destinations.map((x) => ({
              remoteHost: x.remote_host,
              remoteDataset: x.remote_dataset,
              enabled: x.enabled,
            })),
          })),
        )
      }),
      { numRuns: 300 },
    )
  })
})
