/**
 * The newcomer's demo, in-process on the real clock at 1 s = 100 min: within seconds it must show the banner,
 * snapshots created, pruned by retention, and a sync with progress lines, verified through the backup host's
 * own (simulated) API.
 */
import { describe, expect, it } from 'vitest'
import { banner, runDemo } from '../../src/demo/Demo.js'
import * as DemoConfig from '../../src/demo/DemoConfig.js'

const waitFor = async (lines: string[], re: RegExp, ms: number) => {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (lines.some((l) => re.test(l))) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`no line matching ${re} in:\n${lines.join('\n')}`)
}

describe('demo', () => {
  it('the demo config is valid under the real decoder: two datasets, one destination, small retention', () => {
    const c = DemoConfig.config()
    expect(c.datasets.map((d) => d.dataset)).toEqual(['tank/home', 'tank/projects'])
    expect(c.datasets.flatMap((d) => d.destinations)).toHaveLength(1)
    expect(c.destinationApis[0]?.targetRetention).toMatchObject({ frequent: 1, hourly: 2, daily: 1 })
    expect(c.destinationApis.map((x) => x.api.url)).toEqual(['http://backup-nas:8545'])
    expect(c.policy.retention.frequent).toBe(3)
    expect(c.zfsApi.url).not.toContain('localhost') // never aimed at a real API
  })

  it('the banner says it is a demo on a simulated API and how fast time runs', () => {
    const text = banner('no config file (looked for backup_config.yaml)', 600, 'http://127.0.0.1:41234').join(
      '\n',
    )
    expect(text).toContain('DEMO on a SIMULATED ZFS API')
    expect(text).toContain('Status page: http://127.0.0.1:41234/')
    expect(banner('x', 600, undefined).join('\n')).toContain('Status page: not started')
    expect(text).toContain('1 real second = 10 simulated minutes')
    expect(text).toContain('no config file')
  })

  it('shows snapshots created, pruned, and a sync with progress, verified on the backup host; stops cleanly', async () => {
    const lines: string[] = []
    const stop = new AbortController()
    const exit = runDemo({
      reason: 'test',
      factor: 6000,
      write: (l) => void lines.push(l),
      signal: stop.signal,
      onHangup: () => undefined,
    })
    await waitFor(lines, /\[tank\/home\] created @frequent_backup_/, 10_000)
    await waitFor(
      lines,
      /\[tank\/projects\] destroyed @frequent_backup_\S+: beyond newest 3 frequent/,
      20_000,
    )
    await waitFor(lines, /sync \[\S+\] \d+\.\d% at \d+\.\d MiB\/s, ETA /, 20_000)
    await waitFor(
      lines,
      /sync \[\S+\] done: backup-nas:backup\/home has tank\/home@\S+ \(verified: same guid on both ends\)/,
      20_000,
    )
    // The verified destination is pruned to its own counts (target_retention) through its API.
    await waitFor(
      lines,
      /destroy backup-nas:backup\/home@\w+_backup_\S+: beyond newest \d \w+ \(rank \d+\)/,
      30_000,
    )
    stop.abort()
    expect(await exit).toBe(0)
    expect(lines[1]).toContain('DEMO')
    expect(lines.find((l) => l.includes('Status page: http://127.0.0.1:'))).toBeDefined()
    expect(lines.at(-1)).toMatch(/daemon stopped$/)
    expect(lines.filter((l) => / (ERROR|WARN) /.test(l))).toEqual([])
  }, 60_000)
})
