import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as PageHtml from '../../src/page/PageHtml.js'
import { pageData } from '../../src/page/PageModel.js'
import { SCRIPT } from '../../src/page/PageScript.js'
import { dataset, destination, facts, HOUR, NOW } from './Fixtures.js'

const evil = '<script>alert(1)</script>'

describe('PageHtml', () => {
  it('escapes every name: a dataset, host and snapshot called <script> render as text', () => {
    const html = PageHtml.render(
      pageData(
        facts({
          troubles: [{ why: `ZFS API said ${evil}`, since: NOW - HOUR }],
          datasets: [
            dataset({
              dataset: evil,
              snapshots: [...dataset().snapshots, `x"'&${evil}`],
              destinations: [destination({ remoteHost: evil, remoteDataset: `a"b` })],
              error: { why: `cannot list snapshots: ${evil}`, since: NOW },
            }),
          ],
        }),
      ),
    )
    // the page's own script is the only one
    expect(html.split('<script').length - 1).toBe(1)
    expect(html).not.toContain('alert(1)</script>')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toMatch(/="[^"]*"b/) // no attribute broken open by a quote
  })

  it('is complete without scripts: datasets, states, reasons, lag, counts, timeline, plan, refresh link', () => {
    const html = PageHtml.render(
      pageData(
        facts({
          datasets: [
            dataset({
              destinations: [
                destination({ base: { snapshot: 'frequent_backup_2026-12-02-07-00', at: NOW - 5 * HOUR } }),
              ],
            }),
          ],
        }),
      ),
    )
    expect(html).toContain('<h2><code>tank/home</code></h2>')
    expect(html).toMatch(/<span class="state s-behind"[^>]*>behind<\/span>/)
    expect(html).toContain('last sync 5h 0m ago, more than 2 × remote_sync.interval (4h 0m)')
    expect(html).toContain('<a href="./">Refresh</a>')
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"')
    expect(html).toContain('replication base of the destination')
    expect(html).toContain('Needs attention')
    expect(html).toContain(`<script>${SCRIPT}</script>`)
  })

  it('every live element names a path that exists in the JSON', () => {
    const data = pageData(
      facts({
        datasets: [
          dataset({
            destinations: [destination({ transfer: { taskId: 't', status: 'pending', progress: null } })],
          }),
        ],
      }),
    )
    const html = PageHtml.render(data)
    const paths = [...html.matchAll(/data-(?:k|v|show|state)="([^"]+)"/g)].map((m) => m[1]!)
    expect(paths.length).toBeGreaterThan(8)
    const json = JSON.parse(JSON.stringify(data)) as unknown
    for (const p of paths) {
      const v = p.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], json)
      expect(v, p).not.toBeUndefined()
    }
  })

  it('a pending transfer shows its bar; none hides it', () => {
    const withTransfer = PageHtml.render(
      pageData(
        facts({
          datasets: [
            dataset({
              destinations: [destination({ transfer: { taskId: 't', status: 'pending', progress: null } })],
            }),
          ],
        }),
      ),
    )
    expect(withTransfer).toMatch(/<div class="transfer" data-show="[^"]+">/)
    expect(withTransfer).toContain('waiting to start')
    expect(PageHtml.render(pageData(facts()))).toMatch(/<div class="transfer" data-show="[^"]+" hidden>/)
  })
})

describe('PageHtml: escaping, as a property', () => {
  it('whatever the names and reasons, only the page’s own script and markup appear', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (...raw) => {
        // marked, so a name cannot coincide with the page's own markup
        const [ds, snap, host, why] = raw.map((s) => `ZQX${s}ZQX`) as [string, string, string, string]
        const html = PageHtml.render(
          pageData(
            facts({
              troubles: [{ why, since: NOW }],
              datasets: [
                dataset({
                  dataset: ds,
                  snapshots: [...dataset().snapshots, snap],
                  destinations: [destination({ remoteHost: host })],
                  error: { why, since: NOW },
                }),
              ],
            }),
          ),
        )
        expect(html.split('<script').length - 1).toBe(1)
        expect(html).toContain(`<h2><code>${PageHtml.escapeHtml(ds)}</code></h2>`)
        for (const s of [ds, snap, host, why]) if (/[<>"'&]/.test(s)) expect(html).not.toContain(s)
      }),
      { numRuns: 200 },
    )
  })
})
