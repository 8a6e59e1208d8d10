/** Page facts for the view-model and HTML tests: one dataset, one destination, a policy as in the demo. */
import type { Plan, Policy } from '@zfs-autobackup/core'
import type { DatasetFacts, DestinationFacts, PageFacts } from '../../src/page/Facts.js'

export const MIN = 60_000
export const HOUR = 60 * MIN
/** 2026-12-02T12:00Z */
export const NOW = Date.UTC(2026, 11, 2, 12, 0)

export const policy: Policy = {
  backupIntervalSeconds: 600,
  snapshotWindow: { days: '1111111', hours: '1'.repeat(24) },
  retention: { frequent: 3, hourly: 4, daily: 2, weekly: 1, monthly: 1, yearly: 1 },
  remoteSync: {
    enabled: true,
    intervalSeconds: 7200,
    window: { days: '1111111', hours: '1'.repeat(24) },
  },
}

export const destination = (o: Partial<DestinationFacts> = {}): DestinationFacts => ({
  remoteHost: 'nas',
  remoteDataset: 'backup/home',
  enabled: true,
  base: { snapshot: 'frequent_backup_2026-12-02-11-30', at: NOW - 25 * MIN },
  arrival: { _tag: 'Verified' },
  frozen: undefined,
  backOff: undefined,
  transfer: undefined,
  ...o,
})

export const emptyPlan = (dataset: string): Plan => ({ dataset, actions: [], decisions: [] })

export const dataset = (o: Partial<DatasetFacts> = {}): DatasetFacts => ({
  dataset: 'tank/home',
  readAt: NOW - MIN,
  snapshots: [
    'hourly_backup_2026-12-02-10-00',
    'frequent_backup_2026-12-02-11-30',
    'frequent_backup_2026-12-02-11-40',
    'frequent_backup_2026-12-02-11-50',
  ],
  holds: {
    _tag: 'Known',
    bySnapshot: new Map([['frequent_backup_2026-12-02-11-30', ['sync_2026-12-02-11-35-00_nas']]]),
  },
  error: undefined,
  plan: { at: NOW, plan: emptyPlan('tank/home') },
  nextDue: { at: NOW + 10 * MIN, type: 'frequent' },
  destinations: [destination()],
  ...o,
})

export const facts = (o: Partial<PageFacts> = {}): PageFacts => ({
  now: NOW,
  zone: 'UTC',
  policy,
  startedAt: NOW - 10 * HOUR,
  lastCycleAt: NOW - 30_000,
  health: 'ok',
  troubles: [],
  datasets: [dataset()],
  ...o,
})
