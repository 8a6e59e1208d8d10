import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { memoryIo } from '../../../src/cli/Io.js'
import { main } from '../../../src/cli/Main.js'
import { elements, parseXml } from '../svg/Xml.js'
import { configYaml, writeConfig } from '../ToolFixtures.js'

const run = async (args: ReadonlyArray<string>) => {
  const io = memoryIo({ cwd: mkdtempSync(join(tmpdir(), 'zab-sim-')) })
  const code = await main(['simulate', ...args], io)
  return { code, out: io.out(), err: io.err(), cwd: io.cwd }
}

describe('simulate (through the CLI registry)', () => {
  const config = writeConfig(configYaml())
  const span = ['--from', '2026-10-23T00:00:00+02:00', '--to', '2026-10-27T00:00:00+01:00'] // Vienna falls back on the 25th

  it('reports the end state per type and destination and draws one mark per snapshot kept', async () => {
    const { code, out, err, cwd } = await run(['--config', config, ...span, '--svg', 'timeline.svg'])
    expect(code).toBe(0)
    const lines = out.split('\n')
    // 4 days + 1 hour (the 25th lasts 25 hours) of 10-minute cycles, plus the last one.
    expect(lines[0]).toBe(
      'Simulated tank/data from 2026-10-22T22:00Z to 2026-10-26T23:00Z every 10m (zone Europe/Vienna): 583 cycles',
    )
    // Local midnights: 22:00Z in summer time (the 25th), 23:00Z after it; Monday the 26th starts a week.
    expect(lines).toContain(
      '  daily     2 / 2             daily_backup_2026-10-24-22-00     daily_backup_2026-10-26-23-00',
    )
    expect(lines).toContain(
      '  weekly    1 / 1             weekly_backup_2026-10-25-23-00    weekly_backup_2026-10-25-23-00',
    )
    const kept = Number(/Snapshots at the end: (\d+)/.exec(out)?.[1])
    // frequent (+1 carrying the sync hold, +1 the older of the last two snapshots sent, +2 sent within the
    // last four sync intervals (4 h): the base holds without a destination API, §15), hourly, daily, weekly
    expect(kept).toBe(2 + 1 + 1 + 2 + 2 + 2 + 1)
    expect(err).toContain(`timeline of tank/data written to ${join(cwd, 'timeline.svg')}`)
    const svg = parseXml(readFileSync(join(cwd, 'timeline.svg'), 'utf8'))
    expect(elements(svg).filter((e) => e.attrs['class'] === 'mark snap')).toHaveLength(kept)
  })

  it('with every sync failing, reports the failures and no sync point', async () => {
    const { code, out } = await run(['--config', config, ...span, '--fail-sync', '1', '--seed', '9'])
    expect(code).toBe(0)
    expect(out).toMatch(/10\.0\.0\.5:backup\/data {2}never {13}0 ok, \d+ failed/)
    expect(out).toMatch(/syncs started, 0 completed, [1-9]\d* failed/)
  })

  it('prints JSON for tools', async () => {
    const { out } = await run(['--config', config, ...span, '--json', '--step', '1h'])
    const [r] = JSON.parse(out)
    expect(r.dataset).toBe('tank/data')
    expect(r.stepMs).toBe(3_600_000)
    expect(r.counts.cycles).toBe(98)
  })

  it('simulates every configured dataset, one picture each, or only the one named by --dataset', async () => {
    const two = writeConfig(`${configYaml()}  - local_dataset: tank/vm\n`)
    const all = await run(['--config', two, ...span, '--step', '1h', '--svg', 'out.svg'])
    expect(all.code).toBe(0)
    expect(all.out).toContain('Simulated tank/data from')
    expect(all.out).toContain('Simulated tank/vm from')
    expect(all.err).toContain(join(all.cwd, 'out-tank_data.svg'))
    expect(all.err).toContain(join(all.cwd, 'out-tank_vm.svg'))
    const one = await run(['--config', two, ...span, '--step', '1h', '--dataset', 'tank/vm'])
    expect(one.out).not.toContain('tank/data')
    const none = await run(['--config', two, ...span, '--dataset', 'tank/none'])
    expect(none.code).toBe(2)
    expect(none.err).toContain('dataset tank/none is not in')
  })

  it.each([
    [['--from', '2026-10-23T00:00:00+02:00'], '--from and --to are required'],
    [['--from', '2026-10-23T00:00:00', '--to', '2026-10-24T00:00:00Z'], 'needs an offset'],
    [['--from', '2026-10-24T00:00:00Z', '--to', '2026-10-23T00:00:00Z'], '--to must be after --from'],
    [[...span, '--step', '0'], 'not a duration'],
    [[...span, '--fail-sync', '2'], 'not a probability'],
  ])('rejects %j with exit 2', async (args, why) => {
    const { code, err } = await run(['--config', config, ...args])
    expect(code).toBe(2)
    expect(err).toContain(why)
  })
})
