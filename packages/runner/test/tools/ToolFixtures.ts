import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeClient, VirtualClock, type ZfsApi } from '@zfs-autobackup/zfs-rpc'
import { makeSimulator, type Simulator } from '@zfs-autobackup/zfs-rpc/testing'

/** A small policy (so a screenful shows every rule), Europe/Vienna, hourly sync to one destination. */
export const configYaml = (overrides: { readonly interval?: number } = {}): string => `
server:
  backup_interval: 600
  timezone: Europe/Vienna
  retention: { frequent: 2, hourly: 2, daily: 2, weekly: 1, monthly: 1, yearly: 1 }
  remote_sync:
    enabled: true
    interval: ${overrides.interval ?? 3600}
zfs_api:
  url: "http://127.0.0.1:8545"
datasets:
  - local_dataset: tank/data
    destinations:
      - remote_host: 10.0.0.5
        remote_dataset: backup/data
`

export const writeConfig = (yaml: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'zab-tools-'))
  const path = join(dir, 'backup_config.yaml')
  writeFileSync(path, yaml)
  return path
}

/**
 * Snapshots of tank/data on the morning Vienna springs forward (2026-03-29, 02:00 CET → 03:00 CEST at
 * 01:00Z), oldest first; the last sync to 10.0.0.5 was at 00:15 local (23:15Z) and holds 23-10.
 */
export const dstMorning: ReadonlyArray<string> = [
  'my_manual',
  'daily_backup_2026-03-27-23-00',
  'hourly_backup_2026-03-28-21-00',
  'hourly_backup_2026-03-28-22-00',
  'daily_backup_2026-03-28-23-00',
  'frequent_backup_2026-03-28-23-10',
  'hourly_backup_2026-03-29-00-00',
  'frequent_backup_2026-03-29-00-10',
  'frequent_backup_2026-03-29-00-20',
  'frequent_backup_2026-03-29-00-50',
]
export const syncTag = 'sync_2026-03-29-00-15-00_10.0.0.5'

export interface World {
  readonly sim: Simulator
  readonly clock: VirtualClock
  /** A client of the simulator (for fixtures that need the API, e.g. a failed migration). */
  readonly api: ZfsApi
}

export const world = (start: number): World => {
  const clock = new VirtualClock(start)
  const sim = makeSimulator({ clock, zone: 'Europe/Vienna', datasets: ['tank/data'], remotes: ['10.0.0.5'] })
  sim.seed.dataset('backup', '10.0.0.5')
  sim.seed.snapshots('tank/data', dstMorning)
  sim.seed.hold('tank/data', 'frequent_backup_2026-03-28-23-10', syncTag)
  const api = makeClient({ url: 'http://127.0.0.1:8545', fetch: sim.fetch, clock })
  return { sim, clock, api }
}

/** Lets the simulator's migration fail: the task is created, then ends `failed` on the virtual clock. */
export const failedSync = async (w: World): Promise<void> => {
  w.sim.faults.script('migration_create', [{ kind: 'failMigration' }])
  const r = await w.api.migrationCreate({
    source: 'tank/data@frequent_backup_2026-03-29-00-50',
    destination: 'backup/data',
    remote: '10.0.0.5',
  })()
  if (r._tag === 'Left') throw new Error('fixture: migration_create failed')
  await w.clock.advance(5_000)
}
