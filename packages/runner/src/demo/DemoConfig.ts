/**
 * The demo's configuration, as YAML decoded by the real config decoder (so the demo cannot drift from the
 * schema): two datasets, one replicated to a simulated backup host whose own (simulated) API verifies
 * arrival and prunes it to its own counts, small retention so pruning shows within a minute at 1 s = 10 min.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Config } from '../config/Config.js'
import * as CE from '../config/ConfigError.js'
import { decodeConfig } from '../config/Decode.js'

export const DATASETS = ['tank/home', 'tank/projects'] as const
export const BACKUP_HOST = 'backup-nas'
/** Where the demo serves the backup host's own API (simulated too). */
export const BACKUP_API_URL = `http://${BACKUP_HOST}:8545`

export const YAML = `# zfs-autobackup demo (simulated API)
server:
  backup_interval: 600        # a snapshot every 10 simulated minutes
  timezone: "UTC"
  retention:                  # small, so pruning shows quickly
    frequent: 3
    hourly: 4
    daily: 2
    weekly: 1
    monthly: 1
    yearly: 1
  remote_sync:
    enabled: true
    interval: 7200            # a sync every 2 simulated hours
  log:
    format: text
    level: info
zfs_api:
  url: "http://simulated-zfs-api:8545"
  timeout: 30
datasets:
  - local_dataset: "${DATASETS[0]}"
    destinations:
      - remote_host: "${BACKUP_HOST}"
        remote_dataset: "backup/home"
        api:                  # the backup host's own API: arrival is verified there
          url: "${BACKUP_API_URL}"
        target_retention:     # and the backup host is pruned there, to its own counts
          frequent: 1
          hourly: 2
          daily: 1
  - local_dataset: "${DATASETS[1]}"
`

/** The decoded demo config; the status server binds any free port (9180 may be taken). */
export const config = (): Config => {
  const decoded = decodeConfig(YAML, { defaultZone: 'UTC' })
  if (E.isLeft(decoded)) throw new Error(`demo config invalid: ${decoded.left.map(CE.format).join('; ')}`)
  return { ...decoded.right, metrics: { ...decoded.right.metrics, port: 0 } }
}
