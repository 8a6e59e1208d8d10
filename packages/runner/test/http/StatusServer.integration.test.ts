import { afterEach, describe, expect, it } from 'vitest'
import * as Health from '../../src/http/Health.js'
import * as StatusServer from '../../src/http/StatusServer.js'

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

const start = async (status: Health.DaemonStatus, now: number) => {
  const s = await StatusServer.listen({
    health: () => Health.evaluate(status, now),
    metrics: () => 'zfs_autobackup_cycles_total 3\n',
  })
  close = s.close
  return s
}

const healthy: Health.DaemonStatus = {
  startedAt: 0,
  lastCycleAt: 1000,
  apiReachable: true,
  apiDownSince: undefined,
  tickMs: 60_000,
}

describe('StatusServer over HTTP on 127.0.0.1', () => {
  it('binds to 127.0.0.1 and answers /health with JSON', async () => {
    const s = await start(healthy, 2000)
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const r = await fetch(`${s.url}/health`)
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toContain('application/json')
    expect(await r.json()).toEqual({
      status: 'ok',
      lastCycleAt: '1970-01-01T00:00:01.000Z',
      apiReachable: true,
      problems: [],
      troubles: [],
    })
  })

  it('503 when unhealthy', async () => {
    const s = await start({ ...healthy, apiReachable: false, apiDownSince: 0 }, 3_600_000)
    expect((await fetch(`${s.url}/health`)).status).toBe(503)
  })

  it('/metrics is Prometheus text; other paths 404, other methods 405', async () => {
    const s = await start(healthy, 2000)
    const m = await fetch(`${s.url}/metrics`)
    expect(m.headers.get('content-type')).toContain('text/plain; version=0.0.4')
    expect(await m.text()).toBe('zfs_autobackup_cycles_total 3\n')
    expect((await fetch(`${s.url}/nope`)).status).toBe(404)
    expect((await fetch(`${s.url}/health`, { method: 'POST' })).status).toBe(405)
  })
})
