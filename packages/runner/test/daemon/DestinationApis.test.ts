import type { ZfsApi } from '@zfs-autobackup/zfs-rpc'
import { describe, expect, it } from 'vitest'
import type { DestinationApi, ZfsApiSettings } from '../../src/config/Config.js'
import * as DestinationApis from '../../src/daemon/DestinationApis.js'
import { configOf } from '../config/fixtures.js'

const settings = (url: string, more: Partial<ZfsApiSettings> = {}): ZfsApiSettings => ({
  url,
  timeoutSeconds: 30,
  maxCallsInFlight: 8,
  ...more,
})
const entry = (remoteHost: string, remoteDataset: string, api: ZfsApiSettings): DestinationApi => ({
  remoteHost,
  remoteDataset,
  api,
})

/** A stand-in client that only says which settings made it. */
const recording = () => {
  const built: ZfsApiSettings[] = []
  const build = (s: ZfsApiSettings) => {
    built.push(s)
    return { made: built.length } as unknown as ZfsApi
  }
  return { built, build }
}

describe('DestinationApis', () => {
  it('gives each destination with an API its client, and none to the others', () => {
    const r = recording()
    const apis = DestinationApis.make([entry('nas', 'backup/a', settings('http://nas:8545'))], r.build)
    expect(apis.forDestination({ remoteHost: 'nas', remoteDataset: 'backup/a' })).toBeDefined()
    expect(apis.forDestination({ remoteHost: 'nas', remoteDataset: 'backup/b' })).toBeUndefined()
    expect(apis.forDestination({ remoteHost: 'other', remoteDataset: 'backup/a' })).toBeUndefined()
    expect(
      DestinationApis.none.forDestination({ remoteHost: 'nas', remoteDataset: 'backup/a' }),
    ).toBeUndefined()
  })

  it('shares one client per identical URL and credentials; another URL or user gets its own', () => {
    const r = recording()
    const pw = { _tag: 'Env', name: 'NAS_PW' } as const
    const apis = DestinationApis.make(
      [
        entry('nas', 'backup/a', settings('http://nas:8545', { auth: { username: 'zab', password: pw } })),
        entry('nas', 'backup/b', settings('http://nas:8545', { auth: { username: 'zab', password: pw } })),
        entry('nas', 'backup/c', settings('http://nas:8545', { auth: { username: 'other', password: pw } })),
        entry('nas2', 'backup/a', settings('http://nas2:8545')),
      ],
      r.build,
    )
    const of = (remoteHost: string, remoteDataset: string) =>
      apis.forDestination({ remoteHost, remoteDataset })
    expect(r.built.map((s) => [s.url, s.auth?.username])).toEqual([
      ['http://nas:8545', 'zab'],
      ['http://nas:8545', 'other'],
      ['http://nas2:8545', undefined],
    ])
    expect(of('nas', 'backup/a')).toBe(of('nas', 'backup/b'))
    expect(of('nas', 'backup/c')).not.toBe(of('nas', 'backup/a'))
    expect(apis.clients().map((c) => c.url)).toEqual([
      'http://nas:8545',
      'http://nas:8545',
      'http://nas2:8545',
    ])
  })

  it('is built from the decoded config (remote_dataset defaults to the local name)', () => {
    const c = configOf(
      'datasets:\n  - local_dataset: tank/data\n    destinations:\n      - remote_host: nas\n        api:\n          url: "http://nas:8545"\n          timeout: 5\n      - remote_host: nas2\n',
    )
    const r = recording()
    const apis = DestinationApis.make(c.destinationApis, r.build)
    expect(apis.forDestination({ remoteHost: 'nas', remoteDataset: 'tank/data' })).toBeDefined()
    expect(apis.forDestination({ remoteHost: 'nas2', remoteDataset: 'tank/data' })).toBeUndefined()
    expect(r.built).toEqual([{ url: 'http://nas:8545', timeoutSeconds: 5, maxCallsInFlight: 8 }])
  })
})
