import { describe, expect, it } from 'vitest'
import { plan, route } from '../../src/testing/MigrationPlan.js'
import { ZfsHost } from '../../src/testing/ZfsHost.js'

const hosts = (local: ReadonlyArray<string>, remote: ReadonlyArray<string> | null) => {
  const l = new ZfsHost('localhost')
  l.ensurePath('tank/data')
  for (const s of local) l.createSnapshot('tank/data', s, false, 0)
  const r = new ZfsHost('nas')
  r.ensurePath('backup')
  if (remote !== null) {
    r.ensurePath('backup/data')
    for (const s of remote) r.createSnapshot('backup/data', s, false, 0)
  }
  return { l, r }
}

const planFor = (source: string, local: ReadonlyArray<string>, remote: ReadonlyArray<string> | null) => {
  const { l, r } = hosts(local, remote)
  const rt = route({ source, destination: 'backup/data', remote: 'nas' }, l, (h) =>
    h === 'nas' ? r : undefined,
  )
  if (typeof rt === 'string') throw new Error(rt)
  const p = plan(rt)
  return p._tag === 'Send' ? { _tag: p._tag, from: p.from, to: p.to, snapshots: p.snapshots } : p
}

describe('MigrationPlan (contract §3.5)', () => {
  it.each([
    [
      'destination missing, @snap given',
      'tank/data@s1',
      ['s1', 's2'],
      null,
      { _tag: 'Send', from: null, to: 's1', snapshots: ['s1'] },
    ],
    [
      'destination missing, @snap unknown → latest',
      'tank/data@zz',
      ['s1', 's2'],
      null,
      { _tag: 'Send', from: null, to: 's2', snapshots: ['s2'] },
    ],
    [
      'destination missing, no @snap → latest',
      'tank/data',
      ['s1', 's2'],
      null,
      { _tag: 'Send', from: null, to: 's2', snapshots: ['s2'] },
    ],
    [
      'incremental ignores @snap',
      'tank/data@s2',
      ['s1', 's2', 's3'],
      ['s1'],
      { _tag: 'Send', from: 's1', to: 's3', snapshots: ['s2', 's3'] },
    ],
    [
      'common is the LAST remote name found locally',
      'tank/data',
      ['s1', 's2', 's3'],
      ['s1', 's2', 'x'],
      { _tag: 'Send', from: 's2', to: 's3', snapshots: ['s3'] },
    ],
    [
      'case-insensitive fallback',
      'tank/data',
      ['S1', 's2'],
      ['s1'],
      { _tag: 'Send', from: 'S1', to: 's2', snapshots: ['s2'] },
    ],
    [
      'no common',
      'tank/data',
      ['s1'],
      ['x'],
      { _tag: 'Nothing', reason: 'No common snapshots found. Aborting.' },
    ],
    [
      'up to date',
      'tank/data',
      ['s1', 's2'],
      ['s2'],
      { _tag: 'Nothing', reason: 'Target dataset is up to date' },
    ],
    [
      'destination without snapshots',
      'tank/data',
      ['s1'],
      [],
      { _tag: 'Nothing', reason: 'destination exists but has no snapshots' },
    ],
    [
      'source missing',
      'tank/none@s1',
      [],
      null,
      { _tag: 'Fail', reason: 'dataset tank/none does not exist' },
    ],
  ])('%s', (_, source, local, remote, expected) => {
    expect(planFor(source, local, remote)).toEqual(expected)
  })

  it.each([
    [{ source: 'tank/data', destination: 'nas:backup/data', remote: null }, 'push'],
    [{ source: 'nas:backup/data', destination: 'tank/copy', remote: null }, 'pull'],
    [{ source: 'tank/data', destination: 'tank/copy', remote: null }, 'local'],
  ])('route %j → %s', (params, mode) => {
    const { l, r } = hosts([], null)
    expect(route(params, l, () => r)).toMatchObject({ mode })
  })

  it('a host on both sides is unsupported; an unknown host is unreachable', () => {
    const { l } = hosts([], null)
    expect(route({ source: 'a:tank/data', destination: 'b', remote: 'nas' }, l, () => undefined)).toBe(
      'host on both sides is unsupported',
    )
    expect(route({ source: 'tank/data', destination: 'b', remote: 'nas' }, l, () => undefined)).toBe(
      'Host nas is unreachable',
    )
  })
})
