import { describe, expect, it } from 'vitest'
import * as Picture from '../../../src/tools/simulate/Picture.js'
import { simulatePolicy } from '../../../src/tools/simulate/Simulate.js'
import { elements, parseXml } from '../svg/Xml.js'
import { dataset, seedPolicy, utc } from './Fixtures.js'

const classes = (svg: string, kind: string) =>
  elements(parseXml(svg)).filter((e) => (e.attrs['class'] ?? '').split(' ').join(' ') === `mark ${kind}`)

describe('Picture.svg of a simulation', () => {
  const from = utc('2026-10-20T00:00:00Z')
  const run = simulatePolicy({
    policy: { ...seedPolicy, remoteSync: { ...seedPolicy.remoteSync, intervalSeconds: 6 * 3600 } },
    dataset,
    zone: 'Europe/Vienna',
    from,
    to: from + 10 * 86_400_000,
    stepMs: 600_000,
    initialSnapshots: ['before_upgrade'],
    faults: { seed: 5, syncFailureProbability: 0.3 },
  })

  it('is well-formed XML with exactly one snapshot mark per snapshot retained at the end', async () => {
    const r = await run
    const svg = Picture.svg(r, seedPolicy.retention)
    const snaps = classes(svg, 'snap')
    expect(snaps.length).toBe(r.snapshots.length)
    expect(snaps.map((e) => e.children.find((c) => c.name === 'title')?.text.split(' ')[0]).sort()).toEqual(
      r.snapshots.map((s) => s.name).sort(),
    )
  })

  it('marks the snapshot carrying the sync hold and every ended sync, failed ones apart', async () => {
    const r = await run
    const svg = Picture.svg(r, seedPolicy.retention)
    const d = r.destinations[0]!
    expect(classes(svg, 'hold').length).toBe(d.lastSync === undefined ? 0 : 1)
    expect(classes(svg, 'sync').length).toBe(d.syncs.filter((s) => s.outcome === 'completed').length)
    expect(classes(svg, 'failed').length).toBe(d.syncs.filter((s) => s.outcome === 'failed').length)
    expect(r.counts.syncsFailed).toBeGreaterThan(0)
  })

  it('has one row per enabled type, one for foreign snapshots and one per destination', async () => {
    const r = await run
    const rows = Picture.timeline(r, seedPolicy.retention).rows.map((row) => row.label)
    expect(rows).toEqual([
      'frequent',
      'hourly',
      'daily',
      'weekly',
      'monthly',
      'yearly',
      'not ours',
      '→ 10.0.0.5:backup/data',
    ])
  })
})
