import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Logger from '../../src/log/Logger.js'

const T = Date.UTC(2026, 10, 27, 10, 0, 0)
const capture = (level: Logger.Level, format: Logger.Format) => Logger.memory({ level, format, now: () => T })

describe('text lines', () => {
  it('puts time, padded level, [dataset] and the reason on one line', () => {
    const { logger, lines } = capture('debug', 'text')
    logger
      .child({ dataset: 'tank/data' })
      .info('created hourly_backup_2026-11-27-10-00 (hour boundary crossed)')
    logger.warn('API unreachable', { url: 'http://localhost:8545', attempt: 3 })
    logger.error('sync failed', { dataset: 'tank/data', destination: 'nas2', error: new Error('exit 1') })
    expect(lines).toEqual([
      '2026-11-27T10:00:00.000Z INFO  [tank/data] created hourly_backup_2026-11-27-10-00 (hour boundary crossed)',
      '2026-11-27T10:00:00.000Z WARN  API unreachable url=http://localhost:8545 attempt=3',
      '2026-11-27T10:00:00.000Z ERROR [tank/data → nas2] sync failed error="exit 1"',
    ])
  })

  it('keeps one event on one line', () => {
    const { logger, lines } = capture('info', 'text')
    logger.error('zfs said:\ncannot open\n', { stderr: 'a\nb' })
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('zfs said: ⏎ cannot open ⏎ ')
    expect(lines[0]).toContain('stderr="a\\nb"')
  })
})

describe('JSON lines', () => {
  it('writes one parseable object per event with fields', () => {
    const { logger, lines } = capture('info', 'json')
    logger
      .child({ dataset: 'tank/data' })
      .info('destroyed', { snapshot: 'frequent_backup_2026-11-27-09-00', kept: 4 })
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        time: '2026-11-27T10:00:00.000Z',
        level: 'info',
        msg: 'destroyed',
        dataset: 'tank/data',
        snapshot: 'frequent_backup_2026-11-27-09-00',
        kept: 4,
      },
    ])
  })

  it('cannot be spoofed by a field named like a reserved key', () => {
    const { logger, lines } = capture('info', 'json')
    logger.info('real', { msg: 'fake', level: 'debug', time: 'yesterday' })
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      msg: 'real',
      level: 'info',
      time: '2026-11-27T10:00:00.000Z',
    })
  })
})

describe('levels', () => {
  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ] as const)('at %s, emits %j', (level, expected) => {
    const { logger, lines } = capture(level, 'json')
    for (const l of ['debug', 'info', 'warn', 'error'] as const) logger[l](l)
    expect(lines.map((x) => JSON.parse(x).level)).toEqual(expected)
  })
})

describe('redaction', () => {
  it('masks secret-named fields at any depth, in both formats', () => {
    for (const format of ['text', 'json'] as const) {
      const { logger, lines } = capture('info', format)
      logger.info('login', {
        password: 'hunter2',
        request: { headers: { Authorization: 'Bearer abc.def' }, token: 'xyz', api_token: 't2' },
        list: [{ passwd: 'p' }],
      })
      expect(lines[0]).not.toMatch(/hunter2|abc\.def|xyz|t2|"p"/)
      expect(lines[0]).toContain(Logger.REDACTED)
    }
  })

  it('masks bearer tokens inside free text', () => {
    const { logger, lines } = capture('info', 'text')
    logger.warn('sent Authorization: Bearer eyJhbGciOi.x.y to the API', { detail: 'bearer s3cr3t' })
    expect(lines[0]).not.toMatch(/eyJhbGciOi|s3cr3t/)
  })

  it('never lets a secret-named value through (property)', () => {
    const secretKey = fc.constantFrom(
      'password',
      'Password',
      'db_password',
      'token',
      'accessToken',
      'authorization',
      'secret',
    )
    fc.assert(
      fc.property(
        secretKey,
        fc.string({ minLength: 6 }).map((s) => `S3CR3T${s}`),
        fc.nat(3),
        (key, secret, depth) => {
          let fields: Record<string, unknown> = { [key]: secret }
          for (let i = 0; i < depth; i++) fields = { nested: fields }
          const { logger, lines } = capture('info', 'json')
          logger.info('x', fields)
          expect(lines[0]).not.toContain('S3CR3T')
        },
      ),
    )
  })
})

it('silent discards everything and its children too', () => {
  expect(() => Logger.silent.child({ a: 1 }).error('x')).not.toThrow()
})
