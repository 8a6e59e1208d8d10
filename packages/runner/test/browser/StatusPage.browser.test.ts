/**
 * The status page in a real browser: Debian's chromium driven by playwright-core, against the demo (real
 * daemon, bundled simulator) on a virtual clock. The page must list the datasets, a migration's progress
 * bar must advance while we watch, a destination whose syncs keep failing must turn "behind" with its
 * reason, and the console must stay free of errors.
 *
 * Chromium comes from the Debian registry (`.ci/run` installs it); nothing is downloaded. Without
 * /usr/bin/chromium the test fails under CI=true and is skipped, saying so, elsewhere.
 * STATUS_PAGE_SCREENSHOT=1 also writes docs/img/status-page.png.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { VirtualClock } from '@zfs-autobackup/zfs-rpc'
import type { Simulator } from '@zfs-autobackup/zfs-rpc/testing'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Daemon } from '../../src/daemon/Daemon.js'
import { runDemo } from '../../src/demo/Demo.js'
import { settle } from '../e2e/World.js'

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
const present = existsSync(CHROMIUM)
const SCREENSHOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../docs/img/status-page.png')

if (!present && process.env['CI'] === 'true')
  throw new Error(
    `CI=true but ${CHROMIUM} is missing: .ci/run installs Debian's chromium; the browser test must run`,
  )
if (!present)
  console.warn(`status page browser test SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium)`)

/** As the machine notes say: headless, no sandbox as root, no background traffic on a closed network. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

const MIN = 60_000

describe.skipIf(!present)('status page in Debian chromium, against the demo on a virtual clock', () => {
  const clock = new VirtualClock(Date.UTC(2026, 11, 2, 8, 0))
  const stop = new AbortController()
  const lines: string[] = []
  const consoleErrors: string[] = []
  let sim: Simulator | undefined
  let daemon: Daemon | undefined
  let url: string | undefined
  let exit: Promise<number> | undefined
  let browser: Browser | undefined
  let page: Page

  /** Advances the virtual clock in steps, letting the daemon finish each cycle. */
  const run = async (ms: number, stepMs: number, until: () => boolean = () => false) => {
    const end = clock.now() + ms
    while (clock.now() < end && !until()) {
      await clock.advance(Math.min(stepMs, end - clock.now()))
      await settle(() => daemon?.isIdle() === true, 'the daemon to park')
    }
  }
  const home = () => daemon?.internals.monitor.transfers('tank/home')[0]

  beforeAll(async () => {
    exit = runDemo({
      reason: 'browser test',
      clock,
      write: (l) => void lines.push(l),
      signal: stop.signal,
      onHangup: () => undefined,
      onSimulator: (s) => {
        sim = s
      },
      onDaemon: (d) => {
        daemon = d
      },
      onListening: (u) => {
        url = u
      },
    })
    await settle(() => daemon?.isIdle() === true && url !== undefined, 'the demo to start')
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text())
    })
    page.on('pageerror', (e) => void consoleErrors.push(e.message))
  })

  afterAll(async () => {
    await browser?.close()
    stop.abort()
    expect(await exit).toBe(0)
  })

  it('the demo banner shows the page address', () => {
    expect(lines.find((l) => l.includes('Status page:'))).toContain(`${url}/`)
  })

  it('lists the datasets, server-rendered', async () => {
    await page.goto(`${url}/`)
    await expect
      .poll(() => page.locator('section.dataset h2').allTextContents())
      .toEqual(['tank/home', 'tank/projects'])
    await expect
      .poll(() => page.locator('#live').textContent(), { timeout: 10_000 })
      .toMatch(/^live: updated/)
  })

  it('works with scripts disabled: server-rendered, the Refresh link reloads it', async () => {
    const context = await browser!.newContext({ javaScriptEnabled: false })
    try {
      const plain = await context.newPage()
      await plain.goto(`${url}/`)
      expect(await plain.locator('section.dataset h2').allTextContents()).toEqual([
        'tank/home',
        'tank/projects',
      ])
      expect(await plain.locator('#live').textContent()).toMatch(/^as of /)
      await run(10 * MIN, MIN)
      const before = await plain.locator('header').textContent()
      await plain.getByRole('link', { name: 'Refresh' }).click()
      await plain.waitForLoadState()
      expect(await plain.locator('header').textContent()).not.toBe(before)
    } finally {
      await context.close()
    }
  })

  it('a running migration’s progress bar advances while we watch', async () => {
    // The first sync sends one snapshot (over within a poll); the next, two hours on, sends several.
    const nine = Date.UTC(2026, 11, 2, 9, 0)
    await run(3 * 60 * MIN, MIN, () => home() !== undefined && clock.now() > nine)
    await run(5 * MIN, 5000, () => (home()?.progress?.percentage ?? 0) > 0)
    expect(home()?.progress?.percentage).toBeGreaterThan(0)
    expect(home()?.progress?.percentage).toBeLessThan(80)
    const bar = page.locator('section.dataset').first().locator('progress')
    await expect.poll(() => bar.isVisible(), { timeout: 10_000 }).toBe(true)
    await expect
      .poll(() => bar.evaluate((b: HTMLProgressElement) => b.value), { timeout: 10_000 })
      .toBeGreaterThan(0)
    const before = await bar.evaluate((b: HTMLProgressElement) => b.value)
    const text = page.locator('section.dataset').first().locator('.transfer span')
    await expect.poll(() => text.textContent()).toMatch(/% at [\d.]+ MiB\/s, ETA /)
    await run(30_000, 10_000)
    await expect
      .poll(() => bar.evaluate((b: HTMLProgressElement) => b.value), { timeout: 10_000 })
      .toBeGreaterThan(before)
  })

  it('a destination whose syncs keep failing turns "behind", with its reason, and trouble comes first', async () => {
    sim!.faults.random({ method: 'migration_create', probability: 1, faults: [{ kind: 'failMigration' }] })
    const state = page.locator('section.dataset').first().locator('.destinations .state')
    await run(5 * 60 * MIN, MIN)
    await expect.poll(() => state.textContent(), { timeout: 10_000 }).toBe('behind')
    const reason = await page
      .locator('section.dataset')
      .first()
      .locator('.destinations td')
      .nth(2)
      .textContent()
    expect(reason).toMatch(/last sync .* ago, more than 2 × remote_sync.interval \(4h 0m\)/)
    expect(reason).toMatch(/syncs failed/)
    const base = await page
      .locator('section.dataset')
      .first()
      .locator('.destinations td')
      .nth(4)
      .textContent()
    expect(base).toMatch(/^(frequent|hourly)_backup_\S+synced /)
    await expect
      .poll(() => page.locator('#troubles li').first().textContent(), { timeout: 10_000 })
      .toMatch(/^tank\/home → backup-nas:backup\/home is behind: .* since /)
    if (process.env['STATUS_PAGE_SCREENSHOT'] !== undefined) {
      mkdirSync(dirname(SCREENSHOT), { recursive: true })
      await page.screenshot({ path: SCREENSHOT, fullPage: true })
    }
  })

  it('the console shows no errors', () => {
    expect(consoleErrors).toEqual([])
  })
})
