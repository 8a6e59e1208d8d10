/**
 * `simulate --config F --from T1 --to T2 [--step 10m] [--svg OUT] [--json] [--seed N] [--fail-sync P]`:
 * what the configured policy does to each dataset over a span of time, computed with the real core and
 * daemon parts against the API simulator on a virtual clock (see `Simulate.ts`). Prints what exists at the
 * end and the counts of actions; `--svg` draws the timeline.
 *
 * @since 0.1.0
 */
import { writeFile } from 'node:fs/promises'
import { isAbsolute, resolve } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { type Command, usageError } from '../../cli/Command.js'
import type { Io } from '../../cli/Io.js'
import { duration, instant, load, parseToolArgs, ToolExit } from '../ToolCommand.js'
import * as Picture from './Picture.js'
import * as Report from './Report.js'
import { type SimulationResult, simulatePolicy } from './Simulate.js'

const usage = `Usage: zfs-autobackup simulate --config FILE --from TIME --to TIME [options]

Runs the configured policy over virtual time, from TIME to TIME, with the real planner and the daemon's
own executor against the bundled API simulator (no ZFS, no API, no sleeping): snapshots, retention,
syncs and their migrations. Prints what exists at the end per type and per destination, and the counts
of actions. Nothing real is touched.

Options:
  -c, --config FILE     config file (default: $ZFS_AUTOBACKUP_CONFIG, else ./backup_config.yaml)
      --from TIME       start, ISO 8601 with offset, e.g. 2026-01-01T00:00:00+01:00
      --to TIME         end (inclusive), ISO 8601 with offset
      --step DURATION   time between cycles (default: server.backup_interval), e.g. 600, 10m, 1h
      --dataset NAME    only this configured dataset (default: all)
      --svg FILE        write a timeline picture (one file per dataset: NAME is added when several)
      --json            machine-readable output
      --seed N          seed of the simulated faults (default 1)
      --fail-sync P     probability in [0, 1] that a sync (migration) fails (default 0)
  -h, --help            show this help

Exit status: 0 done, 1 the simulator saw a snapshot destroyed while it was being sent, 2 usage or config error.`

const svgPath = (base: string, dataset: string, several: boolean): string => {
  if (!several) return base
  const dot = base.toLowerCase().endsWith('.svg') ? base.length - 4 : base.length
  return `${base.slice(0, dot)}-${dataset.replace(/[^A-Za-z0-9_.-]/g, '_')}${base.slice(dot)}`
}

const numberIn = (flag: string, text: unknown, ok: (n: number) => boolean, what: string) =>
  text === undefined
    ? E.right(undefined)
    : typeof text === 'string' && text.trim() !== '' && ok(Number(text))
      ? E.right(Number(text))
      : E.left(`--${flag}: '${String(text)}' is not ${what}`)

export const command: Command = {
  name: 'simulate',
  summary: 'run the policy over virtual time against the simulator; report and draw what it keeps',
  usage,
  run: async (args: ReadonlyArray<string>, io: Io): Promise<number> => {
    const parsed = parseToolArgs(
      args,
      {
        from: { type: 'string' },
        to: { type: 'string' },
        step: { type: 'string' },
        dataset: { type: 'string' },
        svg: { type: 'string' },
        json: { type: 'boolean' },
        seed: { type: 'string' },
        'fail-sync': { type: 'string' },
      },
      io,
    )
    if (E.isLeft(parsed)) return usageError(command, parsed.left, io)
    const { values: v, path } = parsed.right
    const fail = (m: string) => usageError(command, m, io)
    if (typeof v['from'] !== 'string' || typeof v['to'] !== 'string')
      return fail('--from and --to are required')
    const from = instant('from', v['from'])
    const to = instant('to', v['to'])
    if (E.isLeft(from)) return fail(from.left)
    if (E.isLeft(to)) return fail(to.left)
    if (to.right <= from.right) return fail('--to must be after --from')
    const step = typeof v['step'] === 'string' ? duration('step', v['step']) : E.right(undefined)
    if (E.isLeft(step)) return fail(step.left)
    const seed = numberIn(
      'seed',
      v['seed'],
      (n) => Number.isSafeInteger(n) && n >= 0,
      'a non-negative integer',
    )
    if (E.isLeft(seed)) return fail(seed.left)
    const p = numberIn('fail-sync', v['fail-sync'], (n) => n >= 0 && n <= 1, 'a probability between 0 and 1')
    if (E.isLeft(p)) return fail(p.left)

    const config = await load(path, io)
    if (E.isLeft(config)) return config.left.code
    const c = config.right
    const chosen =
      typeof v['dataset'] === 'string' ? c.datasets.filter((d) => d.dataset === v['dataset']) : c.datasets
    if (chosen.length === 0) {
      io.stderr(`zfs-autobackup simulate: dataset ${String(v['dataset'])} is not in ${path}\n`)
      return ToolExit.usageOrConfig
    }
    const stepMs = step.right ?? c.policy.backupIntervalSeconds * 1000

    const results: SimulationResult[] = []
    for (const dataset of chosen) {
      results.push(
        await simulatePolicy({
          policy: c.policy,
          dataset,
          zone: c.timezone,
          from: from.right,
          to: to.right,
          stepMs,
          faults: { seed: seed.right ?? 1, syncFailureProbability: p.right ?? 0 },
        }),
      )
    }
    if (typeof v['svg'] === 'string') {
      const base = isAbsolute(v['svg']) ? v['svg'] : resolve(io.cwd, v['svg'])
      for (const r of results) {
        const out = svgPath(base, r.dataset, results.length > 1)
        await writeFile(out, Picture.svg(r, c.policy.retention))
        if (v['json'] !== true) io.stderr(`timeline of ${r.dataset} written to ${out}\n`)
      }
    }
    io.stdout(
      v['json'] === true
        ? `[\n${results.map((r) => Report.json(r).trimEnd()).join(',\n')}\n]\n`
        : results.map((r) => Report.text(r, c.policy.retention)).join('\n'),
    )
    return results.some((r) => r.violations.length > 0) ? ToolExit.warning : ToolExit.ok
  },
}
