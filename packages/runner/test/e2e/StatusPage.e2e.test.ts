/**
 * The status page of the running daemon over HTTP (no browser): the JSON says what happened — snapshots,
 * a sync and its base, the next due snapshot, the next cycle's plan — and the API outage comes first in
 * the troubles; the token from `server.metrics.token_file` guards page and JSON, never shown on either.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { PageData } from '../../src/page/PageModel.js'
import { config, freePort, HOUR, MIN, startWorld } from './World.js'

const START = Date.UTC(2026, 5, 1, 8, 0)
const TOKEN = 'page-token-4f1d'

describe('the status page of the running daemon', () => {
  it('serves what the daemon knows, trouble first, behind the configured token', async () => {
    const port = await freePort()
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'zab-page-')), 'token')
    writeFileSync(tokenFile, `${TOKEN}\n`)
    const yaml = config({
      datasets: [{ name: 'tank/a', dest: 'nas' }],
      metricsPort: port,
      syncInterval: 3600,
    }).replace(`    port: ${port}\n`, `    port: ${port}\n    token_file: "${tokenFile}"\n`)
    const w = await startWorld({ yaml, start: START, simulator: { datasets: ['tank/a'], remotes: ['nas'] } })
    const auth = { headers: { Authorization: `Bearer ${TOKEN}` } }
    await w.run(2 * HOUR + 5 * MIN)

    expect((await fetch(`${w.statusUrl()}/status.json`)).status).toBe(401)
    const d = (await (await fetch(`${w.statusUrl()}/status.json`, auth)).json()) as PageData
    expect(d.health).toBe('ok')
    expect(d.troubles).toEqual([])
    const a = d.datasets[0]!
    expect(a.name).toBe('tank/a')
    expect(a.newest?.snapshot).toBe('hourly_backup_2026-06-01-10-00')
    expect(a.nextDue).toEqual({
      type: 'frequent',
      due: expect.objectContaining({ at: '2026-06-01T10:10:00.000Z' }),
    })
    expect(a.counts.find((c) => c.type === 'hourly')).toEqual({ type: 'hourly', count: 2, retention: 6 })
    const nas = a.destinations[0]!
    expect(nas.name).toBe('nas:backup/a')
    // Syncs are due an interval after the time in the base snapshot's name (§15): 08:00, 09:00, 10:00, so
    // the 10:00 one has been sent and its snapshot is the base; the next is due at 11:00.
    expect(nas.base?.snapshot).toBe('hourly_backup_2026-06-01-10-00')
    expect(nas.state).toBe('unverified') // arrival is not proven by a sync hold
    expect(nas.reason).toMatch(/no destination API/)
    expect(nas.transfer).toBeNull()
    expect(a.plan.some((r) => r.action === 'no sync' && /not due until 2026-06-01T11:00Z/.test(r.why))).toBe(
      true,
    )

    const html = await (await fetch(`${w.statusUrl()}/`, auth)).text()
    expect(html).toContain('<h2><code>tank/a</code></h2>')
    expect(html).not.toContain(TOKEN)
    expect(JSON.stringify(d)).not.toContain(TOKEN)

    w.sim.faults.random({ method: '*', probability: 1, faults: [{ kind: 'drop' }] })
    // Asleep until 10:10 (the next snapshot), the daemon finds the API gone then; 6 min later no cycle
    // has completed for more than 5 min past the one it planned, and the API has been down for 5 min.
    await w.run(11 * MIN)
    const down = (await (await fetch(`${w.statusUrl()}/status.json`, auth)).json()) as PageData
    expect(down.health).toBe('unhealthy')
    expect(down.troubles.map((t) => [t.kind, t.what.replace(/ since .*/, '')])).toEqual([
      ['health', 'no cycle completed'],
      ['health', 'ZFS API unreachable'],
    ])
    expect(await w.stop()).toBe(0)
  }, 60_000)
})
