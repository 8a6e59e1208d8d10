/**
 * `status [--config F] [--max-lag SECONDS|auto] [--json]`: per dataset the newest snapshot per type and
 * counts against retention, per destination the last sync (from the holds), lag against the threshold,
 * migrations in flight and back-off. Exit 1 when a destination needs attention: usable from cron or Nagios.
 *
 * @since 0.1.0
 */

import { describeRpcError as describeRpc } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import { type Command, usageError } from '../../cli/Command.js'
import type { Io } from '../../cli/Io.js'
import { connect, production, type ToolDeps } from '../Connect.js'
import { observe } from '../Observe.js'
import { duration, load, parseToolArgs, ToolExit, unreachable } from '../ToolCommand.js'
import { datasetStatus, needsAttention } from './Status.js'
import * as StatusReport from './StatusReport.js'

const usage = `Usage: zfs-autobackup status [--config FILE] [--max-lag SECONDS|auto] [--json]

Per dataset: the newest snapshot of each type and the counts against retention; per destination: the
last sync (from its sync hold), the lag against the threshold, migrations in flight with progress, and
back-off after failed syncs (from the API's task history). Reads only.

Options:
  -c, --config FILE      config file (default: $ZFS_AUTOBACKUP_CONFIG, else ./backup_config.yaml)
      --max-lag VALUE    lag threshold: seconds (or 90m, 36h, 2d), or auto = 2 × remote_sync.interval
      --json             machine-readable output
  -h, --help             show this help

Exit status (Nagios-style): 0 ok; 1 a destination lags beyond the threshold, never synced, has a stale
migration, or a read failed; 2 usage or config error; 3 API unreachable. The first line on stdout always
says which (OK, WARNING, CRITICAL or UNKNOWN, and what failed); with --json, one JSON object.`

export const make = (deps: ToolDeps): Command => {
  const command: Command = {
    name: 'status',
    summary: 'snapshots, sync lag, migrations and back-off per dataset; exit 1 when a destination lags',
    usage,
    run: async (args: ReadonlyArray<string>, io: Io): Promise<number> => {
      const parsed = parseToolArgs(args, { 'max-lag': { type: 'string' }, json: { type: 'boolean' } }, io)
      if (E.isLeft(parsed)) return usageError(command, parsed.left, io)
      const { values, path } = parsed.right
      const lagText = values['max-lag']
      const maxLag =
        typeof lagText !== 'string' || lagText === 'auto'
          ? E.right<string, number | 'auto'>('auto')
          : E.map((ms: number) => ms / 1000)(duration('max-lag', lagText))
      if (E.isLeft(maxLag)) return usageError(command, maxLag.left, io)
      const asJson = values['json'] === true
      const config = await load(path, io)
      if (E.isLeft(config)) {
        io.stdout(
          StatusReport.failed(
            deps.now(),
            asJson,
            config.left.code,
            `config rejected: ${config.left.why}`,
            undefined,
          ),
        )
        return config.left.code
      }
      const c = config.right

      const now = deps.now()
      const seen = await observe(
        connect(c, deps, io.env),
        c.datasets.map((d) => d.dataset),
        now,
      )
      if (E.isLeft(seen)) {
        const code = unreachable(c, seen.left, io)
        io.stdout(
          StatusReport.failed(
            now,
            asJson,
            code,
            `ZFS API at ${c.zfsApi.url} did not answer: ${describeRpc(seen.left)}`,
            c.timezone,
          ),
        )
        return code
      }
      const failedReads =
        seen.right.tasksError === undefined
          ? []
          : [`migration history could not be read (${describeRpc(seen.right.tasksError)}): back-off unknown`]
      const results = c.datasets.map((d): StatusReport.DatasetResult => {
        const state = seen.right.byDataset.get(d.dataset)
        if (state === undefined || E.isLeft(state))
          return { _tag: 'Unreadable', dataset: d.dataset, why: state ? describeRpc(state.left) : 'no reply' }
        return {
          _tag: 'Read',
          status: datasetStatus({
            now,
            zone: c.timezone,
            policy: c.policy,
            dataset: d,
            state: state.right,
            tasks: seen.right.tasks,
            maxLag: maxLag.right,
          }),
        }
      })
      const attention =
        failedReads.length > 0 ||
        results.some(
          (r) =>
            r._tag === 'Unreadable' ||
            r.status.destinations.some(needsAttention) ||
            r.status.troubles.length > 0,
        )
      const code = attention ? ToolExit.warning : ToolExit.ok
      io.stdout(
        asJson
          ? StatusReport.json(now, c.timezone, results, code, failedReads)
          : StatusReport.text(now, c.timezone, results, failedReads),
      )
      return code
    },
  }
  return command
}

export const command: Command = make(production)
