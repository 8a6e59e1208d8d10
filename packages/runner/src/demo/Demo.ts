/**
 * The newcomer's first run: no config and no ZFS needed. Starts the bundled API simulator in-process, on a
 * compressed clock (1 real second = 10 simulated minutes by default), and runs the real daemon against it
 * with the demo config — so within a minute the user sees snapshots created, pruned by retention, and a
 * sync with progress lines, verified on the backup host through its own (simulated) API. Says loudly that
 * it is a demo.
 *
 * @since 0.1.0
 */
import type { Clock, FetchLike } from '@zfs-autobackup/zfs-rpc'
import { makeSimulator, type Simulator } from '@zfs-autobackup/zfs-rpc/testing'
import type { Daemon } from '../daemon/Daemon.js'
import { supervise } from '../daemon/Supervisor.js'
import * as DemoConfig from './DemoConfig.js'
import { routedFetch } from './RoutedFetch.js'
import { ScaledClock } from './ScaledClock.js'

export interface DemoOptions {
  /** Why the demo runs (shown in the banner), e.g. "no config file found at ./backup_config.yaml". */
  readonly reason: string
  /** Simulated milliseconds per real millisecond. Default 600 (1 s = 10 min). */
  readonly factor?: number
  /** Writes one line to the user (banner and log lines). */
  readonly write: (line: string) => void
  readonly signal: AbortSignal
  readonly onHangup: (reload: () => void) => void
  readonly onDaemon?: (daemon: Daemon) => void
  /** The demo's clock; default a `ScaledClock` at `factor` (the browser test passes a `VirtualClock`). */
  readonly clock?: Clock
  /** Called with the simulator before the daemon starts (the browser test injects faults). */
  readonly onSimulator?: (simulator: Simulator) => void
  /** Called with the status page's address, or undefined when the status server did not start. */
  readonly onListening?: (url: string | undefined) => void
}

/** Sends that take a few simulated minutes, so progress lines show without flooding the screen. */
const MIGRATION = { bytesPerSnapshot: 256 * 1024 * 1024, bytesPerSecond: 16 * 1024 * 1024, overheadMs: 2000 }

export const banner = (reason: string, factor: number, url: string | undefined): ReadonlyArray<string> => {
  const simulatedPerSecond =
    factor >= 60 ? `${Math.round(factor / 60)} simulated minutes` : `${factor} simulated seconds`
  return [
    '='.repeat(78),
    '  zfs-autobackup DEMO on a SIMULATED ZFS API: nothing on this machine is touched',
    `  Why: ${reason}.`,
    `  Clock compressed: 1 real second = ${simulatedPerSecond}.`,
    `  Datasets: ${DemoConfig.DATASETS.join(', ')}; ${DemoConfig.DATASETS[0]} syncs to ${DemoConfig.BACKUP_HOST}:backup/home,`,
    `  whose own API (simulated too) verifies each sync: same snapshot, same guid on both ends,`,
    `  and prunes the backup host to its own counts (target_retention: 1 frequent, 2 hourly, 1 daily).`,
    url === undefined
      ? '  Status page: not started (see the log line below).'
      : `  Status page: ${url}/  (open it in a browser: snapshots, syncs, the next plan)`,
    '  Watch for: "created" snapshots, "destroyed" by retention, sync progress, "verified" arrival,',
    `  "destroy ${DemoConfig.BACKUP_HOST}:backup/home@…" pruning the backup host.`,
    '  For real use: cp backup_config.yaml.example backup_config.yaml, edit it, then',
    '  zfs-autobackup check-config backup_config.yaml && zfs-autobackup run backup_config.yaml',
    '  Stop with Ctrl-C.',
    '='.repeat(78),
  ]
}

export const runDemo = async (options: DemoOptions): Promise<number> => {
  const factor = options.factor ?? 600
  const clock = options.clock ?? new ScaledClock(factor)
  const simulator = makeSimulator({
    clock,
    zone: 'UTC',
    datasets: DemoConfig.DATASETS,
    remotes: [DemoConfig.BACKUP_HOST],
    migration: MIGRATION,
  })
  // The backup host's own API, on the same model: the daemon verifies there what arrived.
  const backup = simulator.hostApi(DemoConfig.BACKUP_HOST)
  options.onSimulator?.(simulator)
  let shown = false
  return supervise(DemoConfig.config(), {
    clock,
    fetch: routedFetch(
      { [new URL(DemoConfig.BACKUP_API_URL).host]: backup.fetch as unknown as FetchLike },
      simulator.fetch as unknown as FetchLike,
    ),
    write: options.write,
    env: {},
    signal: options.signal,
    onHangup: options.onHangup,
    // At 600× a busy machine's pause of a real second is 10 simulated minutes without a pv tick: the
    // stale-migration bounds would read that as a frozen transfer. They are for real time only.
    monitor: { staleAfterMs: Number.POSITIVE_INFINITY, abandonAfterMs: Number.POSITIVE_INFINITY },
    // The banner waits for the status server, so it can show the page's address (SIGHUP restarts: once).
    onListening: (url) => {
      if (!shown) for (const line of banner(options.reason, factor, url)) options.write(line)
      shown = true
      options.onListening?.(url)
    },
    ...(options.onDaemon === undefined ? {} : { onDaemon: options.onDaemon }),
  })
}
