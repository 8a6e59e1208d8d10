/** Runs the BUILT runner binary under plain node (what Docker and systemd run). */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('../../../../', import.meta.url))
export const bin = 'packages/runner/dist/main.js'

/** `npm test` builds first; run alone, bring dist/ up to date (incremental, ~2 s when nothing changed). */
export const build = (): void => {
  try {
    execFileSync('npx', ['tsc', '-b', 'packages/runner'], { cwd: root, stdio: 'ignore' })
  } catch {
    // tsc still emits this package when another one has type errors; the tests report what is missing
  }
}

export interface Running {
  readonly child: ChildProcess
  readonly out: () => string
  readonly err: () => string
  readonly exit: Promise<number | null>
  /** Resolves when stdout contains `text`. */
  readonly waitFor: (text: string, ms?: number) => Promise<void>
}

export const start = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}): Running => {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: root,
    env: { ...process.env, TZ: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  const waiters: Array<{ readonly text: string; readonly resolve: () => void }> = []
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString()
    for (const w of waiters) if (out.includes(w.text)) w.resolve()
  })
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString()
  })
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    child,
    out: () => out,
    err: () => err,
    exit,
    waitFor: (text, ms = 20_000) =>
      new Promise<void>((resolve, reject) => {
        if (out.includes(text)) return resolve()
        const timer = setTimeout(() => reject(new Error(`no "${text}" in:\n${out}\n${err}`)), ms)
        waiters.push({
          text,
          resolve: () => {
            clearTimeout(timer)
            resolve()
          },
        })
      }),
  }
}
