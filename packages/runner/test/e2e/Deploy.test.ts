/**
 * There is no Docker engine or systemd to run here, so check what can be checked: the image's entry runs a
 * file the build produces, as UID 1000, with a HEALTHCHECK that works (run against a real status server);
 * compose mounts config and zone read-only on the host network; the systemd unit is hardened and runs
 * the same command. `systemd-analyze verify` runs too when the machine has it.
 */
import { execFile, execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import * as Health from '../../src/http/Health.js'
import * as StatusServer from '../../src/http/StatusServer.js'
import { bin, build, root, start } from './Binary.js'

const read = (p: string) => readFileSync(`${root}${p}`, 'utf8')
const dockerfile = read('Dockerfile')
/** Instructions with continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'))
const finalStage = instructions.slice(instructions.findLastIndex((l) => l.startsWith('FROM ')))
const jsonArg = (keyword: string, lines: ReadonlyArray<string>): ReadonlyArray<string> => {
  const line = lines.find((l) => l.startsWith(`${keyword} `))
  if (line === undefined) throw new Error(`no ${keyword}`)
  return JSON.parse(line.slice(line.indexOf('['))) as ReadonlyArray<string>
}

beforeAll(build, 120_000)

describe('Dockerfile', () => {
  it('is a multi-stage build on one Node LTS image pinned to a Debian release, at least Node 24', () => {
    const bases = instructions.filter((l) => l.startsWith('FROM ')).map((l) => l.split(' ')[1])
    expect(bases).toHaveLength(2)
    expect(new Set(bases).size).toBe(1) // built and run on the same image
    const m = /^node:(\d+)-(bookworm|trixie)-slim$/.exec(bases[0] ?? '')
    expect(m, `base image ${bases[0]}`).not.toBeNull()
    const major = Number(m?.[1])
    // 20 reached end of life on 2026-04-30 and 22 is in its last months of maintenance: 24 or later
    expect(major).toBeGreaterThanOrEqual(24)
    const engines = JSON.parse(read('package.json')).engines.node as string
    expect(major).toBeGreaterThanOrEqual(Number(/(\d+)/.exec(engines)?.[1]))
    expect(instructions).toContain('RUN npm run build && npm prune --omit=dev')
  })

  it('runs as UID 1000 in the final stage', () => {
    expect(finalStage).toContain('USER 1000:1000')
  })

  it('its entry is `node packages/runner/dist/main.js run --config /etc/zfs-autobackup/backup_config.yaml`, a file the build produces', () => {
    const entry = [
      ...jsonArg('ENTRYPOINT', finalStage),
      ...jsonArg(
        'CMD',
        finalStage.filter((l) => !l.startsWith('HEALTHCHECK')),
      ),
    ]
    expect(entry).toEqual(['node', bin, 'run', '--config', '/etc/zfs-autobackup/backup_config.yaml'])
    // the build compiles packages/runner/src (rootDir) into dist (outDir), so src/main.ts → dist/main.js
    const tsconfig = read('packages/runner/tsconfig.json')
    expect(tsconfig).toMatch(/"rootDir": "src"/)
    expect(tsconfig).toMatch(/"outDir": "dist"/)
    expect(existsSync(`${root}packages/runner/src/main.ts`)).toBe(true)
    expect(existsSync(`${root}${bin}`)).toBe(true)
    expect(finalStage).toContain('COPY --from=build /app/packages/runner/dist packages/runner/dist')
    expect(instructions).toContain('COPY packages/runner/src packages/runner/src')
  })

  it('the entry command runs: --help exits 0; with the config missing it fails clearly (no demo in the image)', async () => {
    const help = start(['run', '--help'])
    expect(await help.exit).toBe(0)
    const missing = start(
      jsonArg(
        'CMD',
        finalStage.filter((l) => !l.startsWith('HEALTHCHECK')),
      ),
    )
    expect(await missing.exit).toBe(2) // a bad config: 2 from every command
    expect(missing.err()).toContain('/etc/zfs-autobackup/backup_config.yaml: no such file')
    expect(missing.out()).not.toContain('DEMO')
  })

  describe('HEALTHCHECK (node, no curl in slim)', () => {
    const check = jsonArg('HEALTHCHECK', finalStage).slice(0)
    let healthy = true
    let server: StatusServer.RunningStatusServer | undefined
    beforeAll(async () => {
      server = await StatusServer.listen({
        health: () =>
          Health.evaluate(
            {
              startedAt: 0,
              lastCycleAt: 1000,
              apiReachable: healthy,
              apiDownSince: healthy ? undefined : 0,
              tickMs: 60_000,
            },
            2000 + (healthy ? 0 : 3_600_000),
          ),
        metrics: () => '',
      })
    })
    afterAll(async () => server?.close())
    const run = (url: string) =>
      new Promise<number>((resolve) => {
        const [cmd, ...args] = check
        execFile(
          cmd === 'node' ? process.execPath : cmd!,
          args,
          { env: { ...process.env, HEALTHCHECK_URL: url } },
          (e) => resolve(e === null ? 0 : typeof e.code === 'number' ? e.code : -1),
        )
      })

    it('uses node and the HEALTHCHECK_URL the image sets', () => {
      expect(check[0]).toBe('node')
      expect(instructions.join('\n')).not.toMatch(/curl|wget/)
      expect(finalStage).toContain('ENV HEALTHCHECK_URL=http://127.0.0.1:9180/health')
    })

    it('exits 0 on a healthy daemon, 1 on 503 or when nothing answers', async () => {
      healthy = true
      expect(await run(`${server!.url}/health`)).toBe(0)
      healthy = false
      expect(await run(`${server!.url}/health`)).toBe(1)
      expect(await run('http://127.0.0.1:9/health')).toBe(1)
    })
  })
})

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as {
    services: Record<string, { network_mode: string; user: string; volumes: string[]; read_only: boolean }>
  }
  const svc = compose.services['zfs-autobackup']!

  it('uses the host network (localhost:8545 is the host API) and UID 1000, read-only', () => {
    expect(svc.network_mode).toBe('host')
    expect(svc.user).toBe('1000:1000')
    expect(svc.read_only).toBe(true)
  })

  it('mounts the config and /etc/localtime read-only where the image expects them', () => {
    expect(svc.volumes).toContain('./backup_config.yaml:/etc/zfs-autobackup/backup_config.yaml:ro')
    expect(svc.volumes).toContain('/etc/localtime:/etc/localtime:ro')
    for (const v of svc.volumes) expect(v.endsWith(':ro')).toBe(true)
  })

  it('passes the host TZ into the container (Node there resolves UTC otherwise)', () => {
    const env = (svc as unknown as { environment: Record<string, string> }).environment
    expect(env['TZ']).toBe('$' + '{TZ:-}')
  })
})

describe('.dockerignore', () => {
  it('keeps local builds, dependencies, git and the real config out of the build context', () => {
    const lines = read('.dockerignore').split('\n')
    for (const p of ['**/node_modules', '**/dist', '.git', 'backup_config.yaml']) expect(lines).toContain(p)
  })
})

describe('deploy/zfs-autobackup.service', () => {
  const unit = read('deploy/zfs-autobackup.service')

  it('lets an optional environment file set TZ (the host zone otherwise)', () => {
    expect(unit).toMatch(/^EnvironmentFile=-\/etc\/default\/zfs-autobackup$/m)
  })
  const values = (key: string) =>
    unit
      .split('\n')
      .filter((l) => l.startsWith(`${key}=`))
      .map((l) => l.slice(key.length + 1))

  it('runs the same command as the image, reloads with SIGHUP, stops with SIGTERM', () => {
    expect(values('ExecStart')).toEqual([
      `/usr/bin/node ${bin} run --config /etc/zfs-autobackup/backup_config.yaml`,
    ])
    expect(values('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID'])
    expect(values('KillSignal')).toEqual(['SIGTERM'])
  })

  it('is hardened: unprivileged, read-only system, no capabilities', () => {
    expect(values('DynamicUser')).toEqual(['yes'])
    for (const [k, v] of [
      ['ProtectSystem', 'strict'],
      ['NoNewPrivileges', 'yes'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
      ['CapabilityBoundingSet', ''],
    ] as const)
      expect(values(k)).toEqual([v])
  })

  it('passes systemd-analyze verify (where available)', () => {
    let analyze = true
    try {
      execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' })
    } catch {
      analyze = false
    }
    if (!analyze) return
    expect(() =>
      execFileSync('systemd-analyze', ['verify', `${root}deploy/zfs-autobackup.service`], { stdio: 'pipe' }),
    ).not.toThrow()
  })
})
