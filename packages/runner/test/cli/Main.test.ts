import { describe, expect, it } from 'vitest'
import { type Command, ExitCode } from '../../src/cli/Command.js'
import { commands } from '../../src/cli/Commands.js'
import { memoryIo } from '../../src/cli/Io.js'
import { main, programHelp, VERSION } from '../../src/cli/Main.js'

const run = async (args: ReadonlyArray<string>) => {
  const io = memoryIo()
  const code = await main(args, io)
  return { code, out: io.out(), err: io.err() }
}

describe('program help', () => {
  it.each([[['--help']], [['-h']], [['help']]])('%j prints every command and exits 0', async (args) => {
    const r = await run(args)
    expect(r.code).toBe(0)
    for (const c of commands) expect(r.out).toContain(`  ${c.name}`)
    expect(r.out).toContain('Exit status')
  })

  it('lists run and check-config at least', () => {
    expect(commands.map((c) => c.name)).toEqual(
      expect.arrayContaining(['run', 'check-config', 'plan', 'status', 'simulate', 'simulator']),
    )
    expect(new Set(commands.map((c) => c.name)).size).toBe(commands.length)
  })

  it('prints help on stderr and exits 2 without a command', async () => {
    const r = await run([])
    expect(r).toMatchObject({ code: 2, out: '' })
    expect(r.err).toContain('Usage: zfs-autobackup <command>')
  })

  it('prints the version', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, out: `zfs-autobackup ${VERSION}\n`, err: '' })
  })
})

describe('command help', () => {
  it.each(commands.map((c) => [c.name]))(
    '%s --help prints its usage and exits 0 without running',
    async (name) => {
      const cmd = commands.find((c) => c.name === name)!
      for (const args of [
        [name, '--help'],
        [name, 'x', '-h'],
        ['help', name],
      ]) {
        const r = await run(args)
        expect(r).toEqual({ code: 0, out: `${cmd.usage}\n`, err: '' })
        expect(cmd.usage).toContain(`zfs-autobackup ${name}`)
      }
    },
  )

  it('does not treat --help after -- as a help request', async () => {
    const r = await run(['check-config', '--', '--help'])
    expect(r.code).toBe(2)
    expect(r.err).toContain('--help: no such file')
  })
})

describe('usage errors', () => {
  it.each([[['frobnicate']], [['help', 'frobnicate']]])('%j exits 2 naming the command', async (args) => {
    const r = await run(args)
    expect(r.code).toBe(2)
    expect(r.err).toContain('unknown command "frobnicate"')
  })
})

describe('dispatch', () => {
  const seen: Array<ReadonlyArray<string>> = []
  const probe: Command = {
    name: 'probe',
    summary: 'records its arguments',
    usage: 'Usage: zfs-autobackup probe',
    run: async (args, io) => {
      seen.push(args)
      io.stdout('hi\n')
      return 7
    },
  }
  const thrower: Command = {
    name: 'thrower',
    summary: 'fails badly',
    usage: 'Usage: zfs-autobackup thrower',
    run: async () => {
      throw new Error('boom')
    },
  }

  it('passes the remaining arguments and the io to the command, and returns its exit code', async () => {
    const io = memoryIo()
    expect(await main(['probe', 'a', '--b'], io, [probe])).toBe(7)
    expect(seen).toEqual([['a', '--b']])
    expect(io.out()).toBe('hi\n')
    expect(programHelp([probe])).toContain('  probe  records its arguments')
  })

  it('turns an exception escaping a command into exit 1 with the message', async () => {
    const io = memoryIo()
    expect(await main(['thrower'], io, [thrower])).toBe(ExitCode.failure)
    expect(io.err()).toContain('zfs-autobackup thrower: internal error: Error: boom')
  })
})
