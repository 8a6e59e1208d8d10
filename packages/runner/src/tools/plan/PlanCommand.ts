/**
 * `plan [--config F] [--at TIME] [--json]`: what the next cycle would do, and why, without doing it. Reads
 * fresh state (every snapshot's holds, no cache) through a read-only view of the API, plans every dataset
 * with the real core at `--at` (default now), prints the plan.
 *
 * @since 0.1.0
 */
import { type DatasetObservation, makePlanner } from '@zfs-autobackup/core'
import { describeRpcError as describeRpc } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import { type Command, usageError } from '../../cli/Command.js'
import type { Io } from '../../cli/Io.js'
import * as TargetPruner from '../../daemon/TargetPruner.js'
import { connect, connectDestinations, production, type ToolDeps } from '../Connect.js'
import { observe } from '../Observe.js'
import { readOnly } from '../ReadOnly.js'
import { instant, load, parseToolArgs, ToolExit, unreachable } from '../ToolCommand.js'
import * as PlanReport from './PlanReport.js'

const usage = `Usage: zfs-autobackup plan [--config FILE] [--at TIME] [--json]

Dry run: for every dataset, the snapshot the next cycle would create (type and why), every snapshot it
would destroy or keep (rule, rank, hold, in-flight migration), the syncs it would start or skip and the
holds it would release; and, for a destination with target_retention, what it would destroy or keep on
the backup host. Reads the APIs' current state (all holds, fresh); sends no changing call.

Options:
  -c, --config FILE  config file (default: $ZFS_AUTOBACKUP_CONFIG, else ./backup_config.yaml)
      --at TIME      plan as if it were TIME, ISO 8601 with offset, e.g. 2026-03-29T02:30:00+02:00
      --json         machine-readable output
  -h, --help         show this help

Exit status: 0 planned, 1 a dataset or a backup host could not be read, 2 usage or config error, 3 API unreachable.`

export const make = (deps: ToolDeps): Command => {
  const command: Command = {
    name: 'plan',
    summary: 'print what the next cycle would do and why, without doing it',
    usage,
    run: async (args: ReadonlyArray<string>, io: Io): Promise<number> => {
      const parsed = parseToolArgs(args, { at: { type: 'string' }, json: { type: 'boolean' } }, io)
      if (E.isLeft(parsed)) return usageError(command, parsed.left, io)
      const { values, path } = parsed.right
      const at = typeof values['at'] === 'string' ? instant('at', values['at']) : E.right(deps.now())
      if (E.isLeft(at)) return usageError(command, at.left, io)
      const config = await load(path, io)
      if (E.isLeft(config)) return config.left.code
      const c = config.right

      const seen = await observe(
        connect(c, deps, io.env),
        c.datasets.map((d) => d.dataset),
        at.right,
      )
      if (E.isLeft(seen)) return unreachable(c, seen.left, io)
      const planDataset = makePlanner() // every dataset at one `now`: one calendar memo
      const observedOf = new Map<string, DatasetObservation>()
      const datasets = c.datasets.map((d): PlanReport.DatasetResult => {
        const state = seen.right.byDataset.get(d.dataset)
        if (state === undefined || E.isLeft(state))
          return { _tag: 'Unreadable', dataset: d.dataset, why: state ? describeRpc(state.left) : 'no reply' }
        const observed = state.right.observed
        observedOf.set(d.dataset, observed)
        const plan = planDataset({ now: at.right, zone: c.timezone, policy: c.policy, dataset: d, observed })
        return { _tag: 'Planned', dataset: d.dataset, snapshots: observed.snapshots, plan }
      })
      // Retention on the backup hosts (decisions §17), read through their own APIs, read-only too.
      const apis = connectDestinations(c, deps, io.env)
      const withTargets: PlanReport.DatasetResult[] = []
      for (const [i, r] of datasets.entries()) {
        const d = c.datasets[i]!
        if (r._tag !== 'Planned') {
          withTargets.push(r)
          continue
        }
        const targets: PlanReport.TargetResult[] = []
        for (const x of d.destinations) {
          const retention = c.destinationApis.find(
            (y) => y.remoteHost === x.remoteHost && y.remoteDataset === x.remoteDataset,
          )?.targetRetention
          const api = apis.forDestination(x)
          if (!x.enabled || retention === undefined || api === undefined) continue
          const observed = observedOf.get(d.dataset)!
          const target = { remoteHost: x.remoteHost, remoteDataset: x.remoteDataset }
          if (observed.holds._tag !== 'Known') {
            targets.push({ _tag: 'Unreadable', ...target, why: "the source's holds are unknown" })
            continue
          }
          const job = TargetPruner.jobOf(d.dataset, x, retention, observed, r.plan, observed.holds)
          const planned = await TargetPruner.planFor(readOnly(api), job, at.right, c.policy, 'all')
          targets.push(
            E.isLeft(planned)
              ? { _tag: 'Unreadable', ...target, why: planned.left }
              : { _tag: 'Planned', ...planned.right },
          )
        }
        withTargets.push(targets.length === 0 ? r : { ...r, targets })
      }
      const report = { at: at.right, zone: c.timezone, datasets: withTargets }
      io.stdout(values['json'] === true ? PlanReport.json(report) : PlanReport.text(report))
      const unreadable = withTargets.some(
        (d) => d._tag === 'Unreadable' || (d.targets ?? []).some((t) => t._tag === 'Unreadable'),
      )
      return unreadable ? ToolExit.warning : ToolExit.ok
    },
  }
  return command
}

export const command: Command = make(production)
