import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { makeClient } from '../../src/Client.js'
import { VirtualClock } from '../../src/Clock.js'
import { makeSimulatorPair, type SimulatorPairOptions } from '../../src/testing/index.js'
import { serve } from './http.js'

const MiB = 1024 * 1024
const T0 = Date.UTC(2026, 10, 27, 1, 0, 0)

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

const pair = (extra: SimulatorPairOptions = {}) => {
  const clock = new VirtualClock(T0)
  const p = makeSimulatorPair({
    clock,
    zone: 'Europe/Vienna',
    migration: { bytesPerSnapshot: MiB, bytesPerSecond: MiB, overheadMs: 600 },
    ...extra,
  })
  return { ...p, clock }
}

describe('the backup host as its own API', () => {
  it('serves on its own port what the source API pushed there: snapshots, holds, guids; destroy and release work', async () => {
    const { clock, source, backup } = pair()
    const [src, dst] = [await serve(source), await serve(backup)]
    expect(src.url).not.toEqual(dst.url)
    source.seed.snapshots('tank/data', ['s1', 's2'])
    await src.rpc('migration_create', { source: 'tank/data@s2', destination: 'backup/data', remote: 'nas' })
    await clock.advance(5_000)

    expect((await dst.rpc('snapshot_list', { dataset: 'backup/data' })).result.snapshots).toEqual(['s2'])
    expect((await dst.rpc('dataset_list', {})).result.datasets).toEqual(['backup', 'backup/data'])
    const tag = 'sync_2026-11-27-02-00-01_nas'
    expect(
      (await dst.rpc('snapshot_holds_list', { dataset: 'backup/data', snapshot: 's2' })).result.holds,
    ).toEqual([tag])
    const guid = async (rpc: typeof src.rpc, ds: string) =>
      (await rpc('dataset_get_properties', { dataset: ds, property: 'guid' })).result.properties.guid
    expect(await guid(dst.rpc, 'backup/data@s2')).toEqual(await guid(src.rpc, 'tank/data@s2'))

    // The backup host's own pool: the source API does not see it, and each API counts its own calls.
    expect((await src.rpc('snapshot_list', { dataset: 'backup/data' })).result.snapshots).toEqual([])
    expect(backup.inspect.counts().byMethod['snapshot_list']).toBe(1)
    expect(source.inspect.counts().byMethod['snapshot_list']).toBe(1)

    expect(await dst.rpc('snapshot_destroy', { dataset: 'backup/data', snapshot: 's2' })).toMatchObject({
      error: {
        code: -32026,
        message: 'Failed to destroy snapshot: cannot destroy snapshot backup/data@s2: dataset is busy\n',
      },
    })
    await dst.rpc('snapshot_release', { dataset: 'backup/data', snapshot: 's2', tag })
    await dst.rpc('snapshot_hold', { dataset: 'backup/data', snapshot: 's2', tag: 'zab_base' })
    expect(backup.inspect.holds('backup/data', 's2')).toEqual(['zab_base'])
    await dst.rpc('snapshot_release', { dataset: 'backup/data', snapshot: 's2', tag: 'zab_base' })
    expect((await dst.rpc('snapshot_destroy', { dataset: 'backup/data', snapshot: 's2' })).result).toEqual({
      snapshot: 'backup/data@s2',
      destroyed: true,
    })
    expect(source.inspect.snapshots('backup/data', 'nas')).toEqual([])
  })

  it('requires a login when asked to: no token → -32001, a bad one → -32002, auth_login → the call runs', async () => {
    const { backup } = pair({ backup: { auth: { users: { zab: 'pw' }, requireAuth: true } } })
    backup.seed.snapshots('backup/data', ['a'])
    const dst = await serve(backup)
    expect((await dst.rpc('snapshot_list', { dataset: 'backup/data' })).error).toEqual({
      code: -32001,
      message: 'Authentication required',
    })
    expect((await dst.rpc('snapshot_list', { dataset: 'backup/data' }, 1, bearer('forged'))).error).toEqual({
      code: -32002,
      message: 'Invalid token',
    })
    expect((await dst.rpc('auth_login', { username: 'zab', password: 'nope' })).error.code).toBe(-32003)
    const { token } = (await dst.rpc('auth_login', { username: 'zab', password: 'pw' })).result
    expect(
      (await dst.rpc('snapshot_list', { dataset: 'backup/data' }, 1, bearer(token))).result.snapshots,
    ).toEqual(['a'])
  })

  it('in-process: the client logs in for a non-local caller and reads the backup host; the source needs no login', async () => {
    const { clock, source, backup } = pair({ backup: { auth: { users: { zab: 'pw' } } } })
    source.seed.snapshots('tank/data', ['a', 'b'])
    backup.seed.snapshots('backup/data', ['a'])
    const remote = makeClient({
      url: 'http://nas.example:8545/',
      fetch: backup.fetchFrom('192.0.2.7'),
      clock,
      auth: { username: 'zab', password: 'pw' },
    })
    expect(await remote.snapshotList('backup/data')()).toEqual(E.right(['a']))
    expect(backup.inspect.counts().byMethod['auth_login']).toBe(1)
    const anonymous = makeClient({
      url: 'http://nas.example:8545/',
      fetch: backup.fetchFrom('192.0.2.7'),
      clock,
    })
    expect(await anonymous.snapshotList('backup/data')()).toMatchObject(E.left({ code: -32001 }))
    const local = makeClient({ url: 'http://127.0.0.1:8545/', fetch: source.fetch, clock })
    expect(await local.snapshotList('tank/data')()).toEqual(E.right(['a', 'b']))
  })

  it('hostApi returns one API per host and refuses its own host or a second set of options', () => {
    const { source, backup } = pair()
    expect(source.hostApi('nas')).toBe(backup)
    expect(backup.host).toBe('nas')
    expect(() => source.hostApi('nas', {})).toThrow(/exists already/)
    expect(() => source.hostApi('localhost')).toThrow(/own API host/)
    expect(source.inspect.remoteHosts()).toEqual(['nas'])
    expect(backup.inspect.remoteHosts()).toEqual(['localhost'])
  })
})
