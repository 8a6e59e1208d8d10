import { afterEach, describe, expect, it } from 'vitest'
import * as Health from '../../src/http/Health.js'
import { isLoopback } from '../../src/http/Loopback.js'
import * as StatusServer from '../../src/http/StatusServer.js'

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

const status: Health.DaemonStatus = {
  startedAt: 0,
  lastCycleAt: 1000,
  apiReachable: true,
  apiDownSince: undefined,
  tickMs: 60_000,
}

const start = async (access?: StatusServer.PageAccess) => {
  const s = await StatusServer.listen(
    {
      health: () => Health.evaluate(status, 2000),
      metrics: () => 'zfs_autobackup_cycles_total 3\n',
      page: { html: () => '<!doctype html><p>page</p>', json: () => '{"schema":1}', script: 'void 0' },
    },
    access === undefined ? {} : { access },
  )
  close = s.close
  return s
}

describe('status page routes', () => {
  it('on loopback without a token: / is HTML, /status.json JSON, both no-store with a CSP that allows only the page’s script', async () => {
    const s = await start()
    const page = await fetch(`${s.url}/`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('cache-control')).toBe('no-store')
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/)
    expect(await page.text()).toContain('<p>page</p>')
    const json = await fetch(`${s.url}/status.json`)
    expect(json.headers.get('content-type')).toContain('application/json')
    expect(await json.json()).toEqual({ schema: 1 })
  })

  it('read-only: POST is refused', async () => {
    const s = await start()
    const r = await fetch(`${s.url}/`, { method: 'POST' })
    expect(r.status).toBe(405)
    expect(r.headers.get('allow')).toBe('GET, HEAD')
  })

  it('with a token: 401 without it, 200 with the bearer header, /?token= sets a cookie and redirects', async () => {
    const s = await start({ _tag: 'Token', token: 's3cret' })
    expect((await fetch(`${s.url}/status.json`)).status).toBe(401)
    expect((await fetch(`${s.url}/status.json`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(
      401,
    )
    const ok = await fetch(`${s.url}/status.json`, { headers: { Authorization: 'Bearer s3cret' } })
    expect(ok.status).toBe(200)
    expect((await fetch(`${s.url}/?token=nope`, { redirect: 'manual' })).status).toBe(401)
    const login = await fetch(`${s.url}/?token=s3cret`, { redirect: 'manual' })
    expect(login.status).toBe(303)
    expect(login.headers.get('location')).toBe('./')
    const cookie = login.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/)
    const withCookie = await fetch(`${s.url}/`, { headers: { Cookie: cookie.split(';')[0]! } })
    expect(withCookie.status).toBe(200)
    // health and metrics stay open for probes and scrapers
    expect((await fetch(`${s.url}/health`)).status).toBe(200)
    expect((await fetch(`${s.url}/metrics`)).status).toBe(200)
  })

  it('bound elsewhere without a token: the page is refused with the reason, health stays open', async () => {
    const access = StatusServer.pageAccess('0.0.0.0', undefined)
    expect(access._tag).toBe('Refused')
    const s = await start(access)
    const r = await fetch(`${s.url}/`)
    expect(r.status).toBe(403)
    expect(await r.text()).toContain('set server.metrics.token_file or token_env')
    expect((await fetch(`${s.url}/health`)).status).toBe(200)
  })

  it('loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'].every(isLoopback)).toBe(true)
    expect(['0.0.0.0', '::', '192.168.1.2', 'nas.local', '128.0.0.1'].some(isLoopback)).toBe(false)
    expect(StatusServer.pageAccess('0.0.0.0', 'tok')).toEqual({ _tag: 'Token', token: 'tok' })
    expect(StatusServer.pageAccess('127.0.0.1', undefined)).toEqual({ _tag: 'Open' })
  })
})
