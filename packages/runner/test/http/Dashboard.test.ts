/**
 * The Grafana dashboard in deploy/grafana queries only metrics the daemon exports, and the gauges it
 * exports are rendered with HELP and TYPE.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as Metrics from '../../src/http/Metrics.js'

const root = new URL('../../../../', import.meta.url).pathname
const dashboard = JSON.parse(readFileSync(`${root}deploy/grafana/zfs-autobackup.dashboard.json`, 'utf8'))

/** Every family the daemon renders once each setter has been used. */
const exported = (): ReadonlySet<string> => {
  const m = Metrics.make()
  m.setLastSnapshot('tank/a', 1_000)
  m.setLastSync({ dataset: 'tank/a', remoteHost: 'nas', remoteDataset: 'backup/a' }, 1_000)
  m.countAction('create', 'ok')
  m.countError('transport')
  m.cycleDone(1, 1_000)
  for (const g of Object.keys(Metrics.GAUGES) as Metrics.Gauge[]) m.setGauge(g, 1)
  const text = m.render(2_000, { httpRequests: 1, rpcCalls: 1, callsByMethod: { snapshot_list: 1 } })
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((x) => x[1]!))
}

const exprs = (node: unknown): string[] =>
  Array.isArray(node)
    ? node.flatMap(exprs)
    : typeof node === 'object' && node !== null
      ? Object.entries(node).flatMap(([k, v]) =>
          (k === 'expr' || k === 'query') && typeof v === 'string' ? [v] : exprs(v),
        )
      : []

describe('Grafana dashboard', () => {
  it('parses, has panels with queries, and queries only metrics the daemon exports', () => {
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(8)
    const queried = new Set(
      exprs(dashboard).flatMap((e) => [...e.matchAll(/zfs_autobackup_\w+/g)].map((x) => x[0])),
    )
    expect(queried.size).toBeGreaterThanOrEqual(10)
    const names = exported()
    expect([...queried].filter((q) => !names.has(q))).toEqual([])
  })

  it('every panel has a unique id and a place on the grid', () => {
    const ids = dashboard.panels.map((p: { id: number }) => p.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const p of dashboard.panels)
      expect(p.gridPos).toMatchObject({ w: expect.any(Number), h: expect.any(Number) })
  })
})

describe('Metrics gauges', () => {
  it('a gauge is rendered with HELP and TYPE once set, and not before', () => {
    const m = Metrics.make()
    const rpc = { httpRequests: 0, rpcCalls: 0, callsByMethod: {} }
    expect(m.render(0, rpc)).not.toContain('zfs_autobackup_migrations_stale')
    m.setGauge('zfs_autobackup_migrations_stale', 2)
    const lines = m.render(0, rpc).split('\n')
    expect(lines).toContain('# TYPE zfs_autobackup_migrations_stale gauge')
    expect(lines).toContain('zfs_autobackup_migrations_stale 2')
  })
})
