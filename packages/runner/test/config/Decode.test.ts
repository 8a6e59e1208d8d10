import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as CE from '../../src/config/ConfigError.js'
import { decodeConfig } from '../../src/config/Decode.js'
import { configOf, errorsOf, exampleText } from './fixtures.js'

const ds = 'datasets:\n  - local_dataset: tank/data\n'

describe('the shipped example', () => {
  it('decodes to the seed values', () => {
    const c = configOf(exampleText)
    expect(c.policy).toEqual({
      backupIntervalSeconds: 600,
      snapshotWindow: { days: '1111111', hours: '1'.repeat(24) },
      retention: { frequent: 4, hourly: 12, daily: 7, weekly: 4, monthly: 6, yearly: 3 },
      remoteSync: {
        enabled: true,
        intervalSeconds: 86400,
        window: { days: '1111111', hours: '1'.repeat(24) },
      },
    })
    expect(c.datasets).toEqual([
      {
        dataset: 'pool/dataset',
        recursive: false,
        destinations: [{ remoteHost: '192.168.1.100', remoteDataset: 'backup/dataset', enabled: true }],
      },
    ])
    expect(c.zfsApi).toEqual({ url: 'http://localhost:8545', timeoutSeconds: 30, maxCallsInFlight: 8 })
    expect(c.warnings).toEqual([])
  })

  it('still decodes with every commented addition switched on', () => {
    const on = exampleText
      .replace(/^ {2}# ([a-z_]+:.*)$/gm, '  $1')
      .replace(/^ {4}# ([a-z_]+:.*)$/gm, '    $1')
      .replace(/^ {2}# {3}([a-z_]+:.*)$/gm, '    $1')
      .replace(/^ {2}# {2}([a-z_]+:.*)$/gm, '  $1')
      .replace(/password_file: (\S+).*$/m, 'password_file: $1')
      .replace(/^ {8}# ( *[a-z_]+:.*)$/gm, '        $1')
    const c = configOf(on)
    expect(c.destinationApis).toEqual([
      {
        remoteHost: '192.168.1.100',
        remoteDataset: 'backup/dataset',
        api: {
          url: 'http://192.168.1.100:8545',
          timeoutSeconds: 30,
          maxCallsInFlight: 8,
          auth: { username: 'backup', password: { _tag: 'Env', name: 'NAS_API_PASSWORD' } },
        },
        // daily from target_retention, the other types from server.retention
        targetRetention: { frequent: 4, hourly: 12, daily: 30, weekly: 4, monthly: 6, yearly: 3 },
      },
    ])
    expect(c.maxSleepSeconds).toBe(600)
    expect(c.timezone).toBe('Europe/Vienna')
    expect(c.zfsApi.auth).toEqual({
      username: 'backup',
      password: { _tag: 'File', path: '/run/secrets/zfs_api_password' },
    })
    expect(c.metrics).toEqual({ enabled: true, host: '127.0.0.1', port: 9180 })
    expect(c.log).toEqual({ format: 'text', level: 'info' })
    expect(c.holdRescanIntervalSeconds).toBe(3600)
  })
})

describe('defaults (contract §6 and docs/configuration.md)', () => {
  it('fills every absent key', () => {
    const c = configOf(
      'datasets:\n  - local_dataset: tank/data\n    destinations:\n      - remote_host: nas2\n',
    )
    expect(c.policy).toEqual({
      backupIntervalSeconds: 600,
      snapshotWindow: { days: '1111111', hours: '1'.repeat(24) },
      retention: { frequent: 4, hourly: 12, daily: 7, weekly: 4, monthly: 6, yearly: 3 },
      remoteSync: {
        enabled: false,
        intervalSeconds: 86400,
        window: { days: '1111111', hours: '1'.repeat(24) },
      },
    })
    expect(c.datasets).toEqual([
      {
        dataset: 'tank/data',
        recursive: false,
        destinations: [{ remoteHost: 'nas2', remoteDataset: 'tank/data', enabled: true }],
      },
    ])
    expect(c.timezone).toBe('UTC')
    expect(c.holdRescanIntervalSeconds).toBe(3600)
    expect(c.zfsApi).toEqual({ url: 'http://localhost:8545', timeoutSeconds: 30, maxCallsInFlight: 8 })
    expect(c.metrics).toEqual({ enabled: true, host: '127.0.0.1', port: 9180 })
    expect(c.log).toEqual({ format: 'text', level: 'info' })
  })

  it('treats empty sections and an empty destinations list as absent', () => {
    const c = configOf('server:\nzfs_api:\ndatasets:\n  - local_dataset: tank\n    destinations:\n')
    expect(c.policy.backupIntervalSeconds).toBe(600)
    expect(c.datasets[0]?.destinations).toEqual([])
  })

  it('reads unquoted masks from their source text, leading zeros included', () => {
    const c = configOf(`server:\n  schedule:\n    days: 0111110\n    hours: 000000001111111111000000\n${ds}`)
    expect(c.policy.snapshotWindow).toEqual({ days: '0111110', hours: '000000001111111111000000' })
  })

  it('keeps partial sections and takes the rest from the defaults', () => {
    const c = configOf(`server:\n  retention:\n    hourly: 0\n  remote_sync:\n    enabled: true\n${ds}`)
    expect(c.policy.retention).toEqual({ frequent: 4, hourly: 0, daily: 7, weekly: 4, monthly: 6, yearly: 3 })
    expect(c.policy.remoteSync).toEqual({
      enabled: true,
      intervalSeconds: 86400,
      window: { days: '1111111', hours: '1'.repeat(24) },
    })
  })

  it('requires server.timezone when the host zone is not an IANA name', () => {
    const r = decodeConfig(ds, { defaultZone: 'EST5EDT4,M3.2.0,M11.1.0' })
    expect(E.isLeft(r) && r.left.map(CE.format)).toEqual(['line 1: server.timezone: required'])
    const ok = decodeConfig(`server:\n  timezone: America/New_York\n${ds}`, {
      defaultZone: 'EST5EDT4,M3.2.0,M11.1.0',
    })
    expect(E.isRight(ok) && ok.right.timezone).toBe('America/New_York')
  })

  it('takes the status page token from a file or a variable, never inline', () => {
    expect(
      configOf(`server:\n  metrics:\n    host: 0.0.0.0\n    token_file: /run/secrets/page\n${ds}`).metrics,
    ).toEqual({
      enabled: true,
      host: '0.0.0.0',
      port: 9180,
      token: { _tag: 'File', path: '/run/secrets/page' },
    })
    const c = configOf(`server:\n  metrics:\n    host: 0.0.0.0\n    token_env: PAGE_TOKEN\n${ds}`)
    expect(c.metrics.token).toEqual({ _tag: 'Env', name: 'PAGE_TOKEN' })
    expect(c.warnings).toEqual([])
  })

  it('warns when nobody chose the zone: no server.timezone, no TZ, and the host resolves to UTC', () => {
    const warned = (text: string, defaultZone: string, defaultZoneGuessed: boolean) => {
      const r = decodeConfig(text, { defaultZone, defaultZoneGuessed })
      if (E.isLeft(r)) throw new Error('invalid')
      return r.right.warnings.filter((w) => w.path === 'server.timezone').map((w) => w.message)
    }
    expect(warned(ds, 'UTC', true)).toEqual([
      expect.stringMatching(/resolves to UTC: .*set server.timezone \(or TZ/),
    ])
    expect(warned(ds, 'Etc/UTC', true)).toHaveLength(1)
    expect(warned(ds, 'UTC', false)).toEqual([]) // TZ=UTC was set: chosen
    expect(warned(ds, 'Europe/London', true)).toEqual([]) // the host's own zone
    expect(warned(`server:\n  timezone: UTC\n${ds}`, 'UTC', true)).toEqual([])
  })

  it('takes the password from an environment variable name, never inline', () => {
    const c = configOf(
      `zfs_api:\n  url: https://nas:8545\n  auth:\n    username: b\n    password_env: ZFS_PW\n${ds}`,
    )
    expect(c.zfsApi.auth).toEqual({ username: 'b', password: { _tag: 'Env', name: 'ZFS_PW' } })
  })
})

/** [what, yaml, line, path, message fragment] — each file plants exactly one error. */
const planted: ReadonlyArray<readonly [string, string, number | undefined, string, string]> = [
  ['empty file', '', undefined, '', 'empty'],
  ['comments only', '# nothing\n', undefined, '', 'empty'],
  ['YAML syntax', `server:\n  backup_interval: [600\n${ds}`, 3, '', 'YAML syntax'],
  ['duplicate YAML key', `server:\n  backup_interval: 600\n  backup_interval: 700\n${ds}`, 3, '', 'unique'],
  ['top level is a list', '- a\n- b\n', 1, '(document)', 'expected a mapping'],
  ['datasets missing', 'server:\n  backup_interval: 600\n', 1, 'datasets', 'required'],
  ['datasets not a list', 'datasets: tank\n', 1, 'datasets', 'expected a list'],
  ['unknown top-level key', `${ds}extra: 1\n`, 3, 'extra', 'unknown key'],
  [
    'unknown server key (typo)',
    `server:\n  backup_intervall: 600\n${ds}`,
    2,
    'server.backup_intervall',
    'unknown key',
  ],
  ['a key named like an Object method', `toString: false\n${ds}`, 1, 'toString', 'unknown key'],
  [
    'a __proto__ key',
    `server:\n  __proto__:\n    backup_interval: 1\n${ds}`,
    2,
    'server.__proto__',
    'unknown key',
  ],
  ['a list as a key', `? [a]\n: 1\n${ds}`, 1, '(document)', 'plain word'],
  [
    'backup_interval under 60 s',
    `server:\n  backup_interval: 59\n${ds}`,
    2,
    'server.backup_interval',
    'at least 60',
  ],
  [
    'backup_interval not a number',
    `server:\n  backup_interval: ten\n${ds}`,
    2,
    'server.backup_interval',
    'whole number',
  ],
  [
    'backup_interval fractional',
    `server:\n  backup_interval: 600.5\n${ds}`,
    2,
    'server.backup_interval',
    'whole number',
  ],
  [
    'backup_interval absurd',
    `server:\n  backup_interval: 1e12\n${ds}`,
    2,
    'server.backup_interval',
    '10 years',
  ],
  [
    'days too short',
    `server:\n  schedule:\n    days: "111111"\n${ds}`,
    3,
    'server.schedule.days',
    'exactly 7',
  ],
  [
    'hours too long',
    `server:\n  schedule:\n    hours: "${'1'.repeat(25)}"\n${ds}`,
    3,
    'server.schedule.hours',
    'exactly 24',
  ],
  [
    'days with a wrong character',
    `server:\n  schedule:\n    days: "11111x1"\n${ds}`,
    3,
    'server.schedule.days',
    "'0' and '1'",
  ],
  [
    'sync hours not a string',
    `server:\n  remote_sync:\n    hours: [1]\n${ds}`,
    3,
    'server.remote_sync.hours',
    'a list',
  ],
  [
    'negative retention',
    `server:\n  retention:\n    daily: -1\n${ds}`,
    3,
    'server.retention.daily',
    'at least 0',
  ],
  [
    'fractional retention',
    `server:\n  retention:\n    weekly: 2.5\n${ds}`,
    3,
    'server.retention.weekly',
    'whole number',
  ],
  [
    'retention as a string',
    `server:\n  retention:\n    monthly: "6"\n${ds}`,
    3,
    'server.retention.monthly',
    'the string "6"',
  ],
  [
    'huge retention',
    `server:\n  retention:\n    yearly: 1000001\n${ds}`,
    3,
    'server.retention.yearly',
    'at most 1000000',
  ],
  [
    'unknown retention type',
    `server:\n  retention:\n    minutely: 4\n${ds}`,
    3,
    'server.retention.minutely',
    'unknown key',
  ],
  [
    'sync interval under 60',
    `server:\n  remote_sync:\n    interval: 0\n${ds}`,
    3,
    'server.remote_sync.interval',
    'at least 60',
  ],
  [
    'yes is not a boolean',
    `server:\n  remote_sync:\n    enabled: yes\n${ds}`,
    3,
    'server.remote_sync.enabled',
    'true or false',
  ],
  [
    'unknown time zone',
    `server:\n  timezone: Europe/Vienn\n${ds}`,
    2,
    'server.timezone',
    'unknown time zone',
  ],
  [
    'hold rescan too short',
    `server:\n  hold_rescan_interval: 5\n${ds}`,
    2,
    'server.hold_rescan_interval',
    'at least 60',
  ],
  [
    'metrics port out of range',
    `server:\n  metrics:\n    port: 70000\n${ds}`,
    3,
    'server.metrics.port',
    'at most 65535',
  ],
  [
    'a status page token inline',
    `server:\n  metrics:\n    token: hunter2\n${ds}`,
    3,
    'server.metrics.token',
    'use token_file or token_env',
  ],
  [
    'both token sources',
    `server:\n  metrics:\n    token_file: /run/t\n    token_env: T\n${ds}`,
    2,
    'server.metrics',
    'at most one of token_file or token_env',
  ],
  [
    'metrics host with a space',
    `server:\n  metrics:\n    host: "0.0.0.0 x"\n${ds}`,
    3,
    'server.metrics.host',
    'spaces',
  ],
  ['log format unknown', `server:\n  log:\n    format: xml\n${ds}`, 3, 'server.log.format', 'text, json'],
  [
    'log level unknown',
    `server:\n  log:\n    level: trace\n${ds}`,
    3,
    'server.log.level',
    'debug, info, warn, error',
  ],
  ['api url not http', `zfs_api:\n  url: "localhost:8545"\n${ds}`, 2, 'zfs_api.url', 'http://'],
  [
    'api url with credentials',
    `zfs_api:\n  url: "http://u:p@nas:8545"\n${ds}`,
    2,
    'zfs_api.url',
    'zfs_api.auth',
  ],
  ['api timeout zero', `zfs_api:\n  timeout: 0\n${ds}`, 2, 'zfs_api.timeout', 'greater than 0'],
  ['api timeout absurd', `zfs_api:\n  timeout: 99999\n${ds}`, 2, 'zfs_api.timeout', 'at most 3600'],
  [
    'inline password',
    `zfs_api:\n  auth:\n    username: u\n    password: hunter2\n${ds}`,
    4,
    'zfs_api.auth.password',
    'password_file or password_env',
  ],
  [
    'two password sources',
    `zfs_api:\n  auth:\n    username: u\n    password_file: /f\n    password_env: X\n${ds}`,
    2,
    'zfs_api.auth',
    'exactly one',
  ],
  ['no password source', `zfs_api:\n  auth:\n    username: u\n${ds}`, 2, 'zfs_api.auth', 'exactly one'],
  [
    'bad env name',
    `zfs_api:\n  auth:\n    username: u\n    password_env: "A-B"\n${ds}`,
    4,
    'zfs_api.auth.password_env',
    'environment variable',
  ],
  ['local_dataset missing', 'datasets:\n  - recursive: true\n', 2, 'datasets[0].local_dataset', 'required'],
  [
    'dataset with a space',
    'datasets:\n  - local_dataset: "tank/my data"\n',
    2,
    'datasets[0].local_dataset',
    'shell metacharacters',
  ],
  [
    'dataset with ;',
    'datasets:\n  - local_dataset: "tank;reboot"\n',
    2,
    'datasets[0].local_dataset',
    'shell metacharacters',
  ],
  [
    'dataset with $()',
    'datasets:\n  - local_dataset: "tank/$(id)"\n',
    2,
    'datasets[0].local_dataset',
    'shell metacharacters',
  ],
  [
    'dataset with a backtick',
    'datasets:\n  - local_dataset: "tank/`id`"\n',
    2,
    'datasets[0].local_dataset',
    'shell metacharacters',
  ],
  ['dataset with @', 'datasets:\n  - local_dataset: "tank@snap"\n', 2, 'datasets[0].local_dataset', "'@'"],
  ['dataset with #', 'datasets:\n  - local_dataset: "tank#mark"\n', 2, 'datasets[0].local_dataset', "'#'"],
  [
    'dataset with leading /',
    'datasets:\n  - local_dataset: "/tank"\n',
    2,
    'datasets[0].local_dataset',
    "start or end with '/'",
  ],
  [
    'dataset with trailing /',
    'datasets:\n  - local_dataset: "tank/"\n',
    2,
    'datasets[0].local_dataset',
    "start or end with '/'",
  ],
  ['dataset with //', 'datasets:\n  - local_dataset: "tank//a"\n', 2, 'datasets[0].local_dataset', "'//'"],
  [
    'pool starting with -',
    'datasets:\n  - local_dataset: "-tank"\n',
    2,
    'datasets[0].local_dataset',
    'letter or digit',
  ],
  [
    'dataset too long',
    `datasets:\n  - local_dataset: "tank/${'a'.repeat(251)}"\n`,
    2,
    'datasets[0].local_dataset',
    '255',
  ],
  [
    'dataset a number',
    'datasets:\n  - local_dataset: 42\n',
    2,
    'datasets[0].local_dataset',
    'expected a string',
  ],
  [
    'recursive not a boolean',
    'datasets:\n  - local_dataset: tank\n    recursive: 1\n',
    3,
    'datasets[0].recursive',
    'true or false',
  ],
  [
    'unknown dataset key',
    'datasets:\n  - local_dataset: tank\n    retention: {}\n',
    3,
    'datasets[0].retention',
    'unknown key',
  ],
  [
    'a dataset inside a recursive tree',
    'datasets:\n  - local_dataset: tank\n    recursive: true\n  - local_dataset: tank/data\n',
    4,
    'datasets[1].local_dataset',
    'inside the recursive tree of datasets[0] ("tank"), which already snapshots it',
  ],
  [
    'a dataset inside a recursive tree, listed before it (order changes nothing)',
    'datasets:\n  - local_dataset: tank/data\n  - local_dataset: tank\n    recursive: true\n',
    2,
    'datasets[0].local_dataset',
    'inside the recursive tree of datasets[1] ("tank")',
  ],
  [
    'overlapping trees',
    'datasets:\n  - local_dataset: tank\n    recursive: true\n  - local_dataset: tank/data\n    recursive: true\n',
    4,
    'datasets[1].local_dataset',
    'overlapping trees',
  ],
  [
    'a replicated tree with exclude',
    'datasets:\n  - local_dataset: tank\n    recursive: true\n    exclude: [tank/tmp]\n    destinations:\n      - remote_host: nas\n',
    4,
    'datasets[0].exclude',
    "exclude cannot be replicated: a tree is sent with the API's recursive migration (zfs send -R), which sends every descendant, excluded ones too",
  ],
  [
    'target_retention on a tree',
    'datasets:\n  - local_dataset: tank\n    recursive: true\n    destinations:\n      - remote_host: nas\n        api:\n          url: http://nas:8545/\n        target_retention:\n          hourly: 3\n',
    8,
    'datasets[0].destinations[0].target_retention',
    'target_retention does not apply to a recursive tree',
  ],
  [
    'exclude without recursive',
    'datasets:\n  - local_dataset: tank\n    exclude: [tank/x]\n',
    3,
    'datasets[0].exclude',
    'recursive tree only',
  ],
  [
    'exclude naming no descendant',
    'datasets:\n  - local_dataset: tank/a\n    recursive: true\n    exclude: [tank/ab]\n',
    4,
    'datasets[0].exclude[0]',
    'not a descendant of "tank/a"',
  ],
  [
    'remote_host missing',
    'datasets:\n  - local_dataset: tank\n  - local_dataset: pool\n    destinations:\n      - remote_dataset: b\n',
    5,
    'datasets[1].destinations[0].remote_host',
    'required',
  ],
  [
    'remote_host with user@',
    'datasets:\n  - local_dataset: tank\n    destinations:\n      - remote_host: root@nas\n',
    4,
    'datasets[0].destinations[0].remote_host',
    "'@'",
  ],
  [
    'remote_host with a space',
    'datasets:\n  - local_dataset: tank\n    destinations:\n      - remote_host: "nas 2"\n',
    4,
    'datasets[0].destinations[0].remote_host',
    'spaces',
  ],
  [
    'remote_host with ;',
    'datasets:\n  - local_dataset: tank\n    destinations:\n      - remote_host: "nas;ls"\n',
    4,
    'datasets[0].destinations[0].remote_host',
    'metacharacters',
  ],
  [
    'remote_host host:dataset',
    'datasets:\n  - local_dataset: tank\n    destinations:\n      - remote_host: "nas:backup/x"\n',
    4,
    'datasets[0].destinations[0].remote_host',
    'metacharacters',
  ],
  [
    'remote_host bad IPv4',
    'datasets:\n  - local_dataset: tank\n    destinations:\n      - remote_host: "192.168.1.300"\n',
    4,
    'datasets[0].destinations[0].remote_host',
    'IPv4',
  ],
  [
    'remote_dataset with #',
    'datasets:\n  - local_dataset: tank\n    destinations:\n      - remote_host: nas\n        remote_dataset: "b#x"\n',
    5,
    'datasets[0].destinations[0].remote_dataset',
    "'#'",
  ],
  [
    'destination enabled not boolean',
    'datasets:\n  - local_dataset: tank\n    destinations:\n      - remote_host: nas\n        enabled: "true"\n',
    5,
    'datasets[0].destinations[0].enabled',
    'true or false',
  ],
  [
    'destinations not a list',
    'datasets:\n  - local_dataset: tank\n    destinations: nas\n',
    3,
    'datasets[0].destinations',
    'expected a list',
  ],
  [
    'target_retention without the destination api',
    'datasets:\n  - local_dataset: tank\n    destinations:\n      - remote_host: nas\n        target_retention:\n          hourly: 3\n',
    4,
    'datasets[0].destinations[0]',
    'target_retention needs api: retention on the backup host lists and destroys its snapshots through',
  ],
  [
    'target_retention count negative',
    `datasets:\n  - local_dataset: tank\n    destinations:\n      - remote_host: nas\n        api:\n          url: http://nas:8545\n        target_retention:\n          hourly: -1\n`,
    8,
    'datasets[0].destinations[0].target_retention.hourly',
    'at least 0',
  ],
  [
    'target_retention unknown type',
    `datasets:\n  - local_dataset: tank\n    destinations:\n      - remote_host: nas\n        api:\n          url: http://nas:8545\n        target_retention:\n          minutely: 3\n`,
    8,
    'datasets[0].destinations[0].target_retention.minutely',
    'unknown key (expected one of: frequent, hourly, daily, weekly, monthly, yearly)',
  ],
  [
    'duplicate local dataset',
    'datasets:\n  - local_dataset: tank\n  - local_dataset: tank\n',
    3,
    'datasets[1].local_dataset',
    'already configured in datasets[0]',
  ],
  [
    'duplicate destination (default remote_dataset)',
    'datasets:\n  - local_dataset: tank\n    destinations:\n      - remote_host: nas\n      - remote_host: nas\n        remote_dataset: tank\n',
    5,
    'datasets[0].destinations[1]',
    'duplicate of destinations[0]',
  ],
]

describe('target_retention (decisions §17)', () => {
  const dest = (extra: string) =>
    `server:\n  retention:\n    hourly: 24\n    daily: 10\ndatasets:\n  - local_dataset: tank\n    destinations:\n      - remote_host: nas\n        api:\n          url: http://nas:8545\n${extra}`

  it('takes each absent count from server.retention', () => {
    const c = configOf(dest('        target_retention:\n          daily: 30\n          yearly: 0\n'))
    expect(c.destinationApis[0]!.targetRetention).toEqual({
      frequent: 4,
      hourly: 24,
      daily: 30,
      weekly: 4,
      monthly: 6,
      yearly: 0,
    })
  })

  it('an empty target_retention prunes to the source counts; none leaves the backup host alone', () => {
    expect(configOf(dest('        target_retention: {}\n')).destinationApis[0]!.targetRetention).toEqual(
      configOf(dest('')).policy.retention,
    )
    expect(configOf(dest('')).destinationApis[0]!.targetRetention).toBeUndefined()
  })
})

describe('every planted error is reported with its path, line and reason', () => {
  it.each(planted)('%s', (_what, yaml, line, path, fragment) => {
    const errors = errorsOf(yaml)
    expect(errors).toHaveLength(1)
    const e = errors[0]!
    const text = CE.format(e)
    expect(text).toContain(fragment)
    if (e._tag === 'InvalidField') {
      expect(e.path === '' ? '(document)' : e.path).toBe(path)
      expect(e.line).toBe(line)
      expect(text).toBe(`line ${line}: ${path}: ${e.message}`)
    } else if (e._tag === 'YamlSyntax') expect(e.line).toBe(line)
    else expect(line).toBeUndefined()
  })

  it('reports all problems of one file at once, in file order', () => {
    const yaml = [
      'server:', //                                  1
      '  backup_interval: 10', //                    2
      '  schedule:', //                              3
      '    days: "11"', //                           4
      'datasets:', //                                5
      '  - local_dataset: "tank@x"', //              6
      '  - local_dataset: ok', //                    7
      '    destinations:', //                        8
      '      - remote_dataset: x', //                9
      '  - local_dataset: ok', //                    10
      'bogus: true', //                              11
    ].join('\n')
    expect(errorsOf(yaml).map(CE.format)).toEqual([
      'line 2: server.backup_interval: must be at least 60 seconds, got 10',
      'line 4: server.schedule.days: must have exactly 7 characters (Mon..Sun), got 2',
      `line 6: datasets[0].local_dataset: "tank@x": must not contain '@' (a snapshot name is not a dataset)`,
      'line 9: datasets[1].destinations[0].remote_host: required',
      'line 10: datasets[2].local_dataset: "ok" is already configured in datasets[1]',
      'line 11: bogus: unknown key (expected one of: server, zfs_api, datasets)',
    ])
  })
})

/** [what, yaml, path, message fragment] — valid files that deserve the operator's attention. */
const warned: ReadonlyArray<readonly [string, string, string, string]> = [
  ['no datasets', 'datasets: []\n', 'datasets', 'nothing to do'],
  [
    'every retention count 0',
    `server:\n  retention: {frequent: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0}\n${ds}`,
    'server.retention',
    'no snapshots',
  ],
  ['a closed schedule', `server:\n  schedule:\n    days: "0000000"\n${ds}`, 'server.schedule', 'never opens'],
  [
    'destinations but remote sync off',
    'datasets:\n  - local_dataset: tank\n    destinations:\n      - remote_host: nas\n',
    'server.remote_sync.enabled',
    'will not be sent',
  ],
  [
    'remote sync on without destinations',
    `server:\n  remote_sync:\n    enabled: true\n${ds}`,
    'server.remote_sync.enabled',
    'no destination',
  ],
  [
    'the status server off loopback without a token',
    `server:\n  metrics:\n    host: 0.0.0.0\n${ds}`,
    'server.metrics.host',
    'the status page and /status.json are refused',
  ],
  [
    'two destination APIs sharing a client with different timeouts',
    `server:\n  remote_sync:\n    enabled: true\ndatasets:\n  - local_dataset: tank\n    destinations:\n      - remote_host: nas\n        api: { url: "http://nas:8545" }\n  - local_dataset: tank2\n    destinations:\n      - remote_host: nas\n        api: { url: "http://nas:8545", timeout: 60 }\n`,
    'datasets[1].destinations[0].api',
    'share one client',
  ],
]

describe('recursive trees', () => {
  it('a tree with an enabled destination is valid: it is replicated with the API’s recursive migration', () => {
    const c = configOf(
      'server:\n  remote_sync:\n    enabled: true\ndatasets:\n  - local_dataset: tank/a\n    recursive: true\n    destinations:\n      - remote_host: nas\n        api:\n          url: http://nas:8545/\n',
    )
    expect(c.warnings).toEqual([])
    expect(c.datasets[0]).toMatchObject({
      dataset: 'tank/a',
      recursive: true,
      destinations: [{ remoteHost: 'nas', remoteDataset: 'tank/a', enabled: true }],
    })
  })

  it('a tree with disabled destinations and excluded descendants is valid, with no warning', () => {
    const c = configOf(
      'datasets:\n  - local_dataset: tank/a\n    recursive: true\n    exclude: [tank/a/tmp]\n    destinations:\n      - remote_host: nas\n        enabled: false\n',
    )
    expect(c.warnings).toEqual([])
    expect(c.datasets[0]).toMatchObject({ dataset: 'tank/a', recursive: true, exclude: ['tank/a/tmp'] })
  })
})

describe('warnings keep the config valid', () => {
  it('two destinations of one dataset on one host: no warning (each has its own base hold, §15)', () => {
    const yaml =
      'server:\n  remote_sync:\n    enabled: true\ndatasets:\n  - local_dataset: tank\n    destinations:\n      - remote_host: nas\n        remote_dataset: a/tank\n      - remote_host: NAS\n        remote_dataset: b/tank\n'
    expect(configOf(yaml).warnings).toEqual([])
  })

  it.each(warned)('%s', (_what, yaml, path, fragment) => {
    const c = configOf(yaml)
    expect(c.warnings).toHaveLength(1)
    expect(c.warnings[0]?.path).toBe(path)
    expect(c.warnings[0]?.message).toContain(fragment)
    expect(c.warnings[0]?.line).toBeGreaterThan(0)
  })
})
