/**
 * `status [--config F] [--max-lag SECONDS|auto] [--json]`: per dataset the newest snapshot per type and
 * counts against retention, per destination the last sync (verified through the destination's own API
 * where it has one, else from the holds), lag against the threshold,
 * migrations in flight and back-off. Exit 1 when a destination needs attention: usable from cron or Nagios.
 *
 * @since 0.1.0
 */

import { describeRpcError as describeRpc, type ZfsApi } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import { type Command, usageError } from '../../cli/Command.js'
import type { Io } from '../../cli/Io.js'
import type { Config } from '../../config/Config.js'
import * as ArrivalCheck from '../../daemon/ArrivalCheck.js'
import type { DestinationApis } from '../../daemon/DestinationApis.js'
import { connect, connectDestinations, production, type ToolDeps } from '../Connect.js'
import { type Observed, observe } from '../Observe.js'
import { readOnly } from '../ReadOnly.js'
import { duration, load, parseToolArgs, ToolExit, unreachable } from '../ToolCommand.js'
import { type Arrival, arrivalOf, datasetStatus, needsAttention } from './Status.js'
import * as StatusReport from './StatusReport.js'

const usage = `Usage: zfs-autobackup status [--config FILE] [--max-lag SECONDS|auto] [--json]

Per dataset: the newest snapshot of each type and the counts against retention; per destination: the
last sync and the lag against the threshold (verified on the destination through its own API where
destinations[].api is set; otherwise from the base hold, "arrival not verified"), migrations in flight
with progress, and back-off after failed syncs (from the API's task history). Reads only.

Options:
  -c, --config FILE      config file (default: $ZFS_AUTOBACKUP_CONFIG, else ./backup_config.yaml)
      --max-lag VALUE    lag threshold: seconds (or 90m, 36h, 2d), or auto = 2 × remote_sync.interval
      --json             machine-readable output
  -h, --help             show this help

Exit status (Nagios-style): 0 ok; 1 a destination lags beyond the threshold, never synced, is frozen
(its API shows no incremental can run), has a stale migration, or a read failed; 2 usage or config error; 3 API unreachable. The first line on stdout always
says which (OK, WARNING, CRITICAL or UNKNOWN, and what failed); with --json, one JSON object.`

const arrivalKey = (dataset: string, d: { readonly remoteHost: string; readonly remoteDataset: string }) =>
  JSON.stringify([dataset, d.remoteHost, d.remoteDataset])

/**
 * Asks each enabled destination that has its own API what it has (`ArrivalCheck`, read-only on both
 * ends): one `snapshot_list` there and one `dataset_get_properties` per side, per destination.
 */
const checkArrivals = async (
  c: Config,
  source: ZfsApi,
  apis: DestinationApis,
  seen: Observed,
): Promise<ReadonlyMap<string, Arrival>> => {
  const out = new Map<string, Arrival>()
  if (!c.policy.remoteSync.enabled) return out
  for (const ds of c.datasets) {
    const state = seen.byDataset.get(ds.dataset)
    if (state === undefined || E.isLeft(state)) continue
    for (const d of ds.destinations) {
      const api = d.enabled ? apis.forDestination(d) : undefined
      if (api === undefined) continue
      const verdict = await ArrivalCheck.check(
        readOnly(source),
        readOnly(api),
        { dataset: ds.dataset, remoteDataset: d.remoteDataset },
        state.right.observed.snapshots,
      )
      out.set(arrivalKey(ds.dataset, d), arrivalOf(verdict))
    }
  }
  return out
}

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
      const source = connect(c, deps, io.env)
      const seen = await observe(
        source,
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
      const arrivals = await checkArrivals(c, source, connectDestinations(c, deps, io.env), seen.right)
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
            arrival: (x) => arrivals.get(arrivalKey(d.dataset, x)),
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
