import type { DatasetPolicy, Policy } from '@zfs-autobackup/core'

const open = { days: '1111111', hours: '111111111111111111111111' }

/** The seed README's example policy, remote sync on, one destination. */
export const seedPolicy: Policy = {
  backupIntervalSeconds: 600,
  snapshotWindow: open,
  retention: { frequent: 4, hourly: 12, daily: 7, weekly: 4, monthly: 6, yearly: 3 },
  remoteSync: { enabled: true, intervalSeconds: 86_400, window: open },
}

export const dataset: DatasetPolicy = {
  dataset: 'tank/data',
  recursive: false,
  destinations: [{ remoteHost: '10.0.0.5', remoteDataset: 'backup/data', enabled: true }],
}

export const utc = (iso: string): number => Date.parse(iso)
