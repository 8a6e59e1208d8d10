import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { applyLive, decideReload, diffConfig, isEmpty } from '../../src/config/Diff.js'
import { configOf, exampleText } from './fixtures.js'

const base = configOf(exampleText)
const edit = (from: string, to: string) => {
  expect(exampleText).toContain(from)
  return configOf(exampleText.replace(from, to))
}
const extra = '\n  - local_dataset: "tank/new"\n'

describe('diffConfig', () => {
  it('finds nothing between equal configs', () => {
    expect(isEmpty(diffConfig(base, configOf(exampleText)))).toBe(true)
  })

  it.each([
    ['server.backup_interval', 'backup_interval: 600', 'backup_interval: 900'],
    ['server.retention', 'hourly: 12', 'hourly: 24'],
    ['server.schedule', 'days: "1111111"     # Mon-Sun', 'days: "1111100"     # Mon-Sun'],
    ['server.remote_sync', 'interval: 86400', 'interval: 3600'],
    ['zfs_api', 'timeout: 30', 'timeout: 60'],
    ['zfs_api', '"http://localhost:8545"', '"http://127.0.0.1:8545"'],
    ['server.timezone', '  # timezone: "Europe/Vienna"', '  timezone: "Europe/Vienna"'],
    ['server.log', '  # log:', '  log:\n    level: debug'],
    [
      'destinations[].api',
      '        enabled: true',
      '        enabled: true\n        api:\n          url: "http://192.168.1.100:8545"',
    ],
  ])('classes a change of %s as needing a restart', (setting, from, to) => {
    const d = diffConfig(base, edit(from, to))
    expect(d.needsRestart).toEqual([setting])
    expect([d.added, d.removed, d.changed]).toEqual([[], [], []])
  })

  it('classes a change of target_retention apart from its api, as needing a restart', () => {
    const api = '        enabled: true\n        api:\n          url: "http://192.168.1.100:8545"'
    const withApi = edit('        enabled: true', api)
    const d = diffConfig(
      withApi,
      edit('        enabled: true', `${api}\n        target_retention:\n          hourly: 3`),
    )
    expect(d.needsRestart).toEqual(['destinations[].target_retention'])
  })

  it('applies dataset additions, removals and changes live', () => {
    const next = configOf(
      exampleText.replace('remote_dataset: "backup/dataset"', 'remote_dataset: "backup/other"') + extra,
    )
    const d = diffConfig(base, next)
    expect(d.added.map((x) => x.dataset)).toEqual(['tank/new'])
    expect(
      d.changed.map(([a, b]) => [a.destinations[0]?.remoteDataset, b.destinations[0]?.remoteDataset]),
    ).toEqual([['backup/dataset', 'backup/other']])
    expect(d.needsRestart).toEqual([])
    const back = diffConfig(next, base)
    expect(back.removed.map((x) => x.dataset)).toEqual(['tank/new'])
  })

  it('sees a destination being disabled as a dataset change', () => {
    const d = diffConfig(base, edit('        enabled: true', '        enabled: false'))
    expect(d.changed).toHaveLength(1)
    expect(d.needsRestart).toEqual([])
  })
})

describe('decideReload', () => {
  it('keeps the running config when the new file is broken', () => {
    const r = decideReload(base, E.left([{ _tag: 'EmptyFile' }]))
    expect(r._tag).toBe('Rejected')
    expect(r.config).toBe(base)
  })

  it('takes new datasets but keeps the old server settings', () => {
    const next = configOf(exampleText.replace('backup_interval: 600', 'backup_interval: 900') + extra)
    const r = decideReload(base, E.right(next))
    if (r._tag !== 'Applied') throw new Error(r._tag)
    expect(r.config.policy).toEqual(base.policy)
    expect(r.config.datasets.map((d) => d.dataset)).toEqual(['pool/dataset', 'tank/new'])
    expect(r.diff.needsRestart).toEqual(['server.backup_interval'])
    expect(r.config).toEqual(applyLive(base, next))
  })

  it('reports an unchanged file as such', () => {
    expect(decideReload(base, E.right(configOf(exampleText)))._tag).toBe('Unchanged')
  })
})
