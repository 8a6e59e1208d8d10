import { describe, expect, it } from 'vitest'
import { datasetNameProblem, hostNameProblem } from '../../src/config/ValidatedNames.js'

describe('dataset names', () => {
  it.each(['tank', 'tank/data', 'pool_1/a.b/c:d/e-f', '1pool/x', `tank/${'a'.repeat(250)}`])(
    'accepts %s',
    (name) => {
      expect(datasetNameProblem(name)).toBeUndefined()
    },
  )

  it.each([
    ['', 'empty'],
    ['tank@snap', "'@'"],
    ['tank#book', "'#'"],
    ['tank/a b', 'shell'],
    ['tank/a;b', 'shell'],
    ['tank/a|b', 'shell'],
    ['tank/a&b', 'shell'],
    ['tank/$HOME', 'shell'],
    ['tank/`id`', 'shell'],
    ['tank/a>b', 'shell'],
    ["tank/a'b", 'shell'],
    ['tank/a\nb', 'shell'],
    ['tank/a*', 'shell'],
    ['/tank', "start or end with '/'"],
    ['tank/', "start or end with '/'"],
    ['tank//a', "'//'"],
    ['tank/..', "'.' or '..'"],
    ['tank/ä', 'components may only contain'],
    ['_tank', 'letter or digit'],
    ['.tank', 'letter or digit'],
    [`tank/${'a'.repeat(251)}`, '255'],
  ])('rejects %j (%s)', (name, why) => {
    expect(datasetNameProblem(name)).toContain(why)
  })
})

describe('remote hosts', () => {
  it.each([
    'nas',
    'nas-2.example.org',
    'backup_host',
    '192.168.1.100',
    '10.0.0.1',
    'fd00::2',
    '::1',
    'nas.local.',
  ])('accepts %s', (host) => {
    expect(hostNameProblem(host)).toBeUndefined()
  })

  it.each([
    ['', 'empty'],
    ['root@nas', "'@'"],
    ['nas 2', 'spaces'],
    ['nas;reboot', 'metacharacters'],
    ['$(id)', 'metacharacters'],
    ['nas/x', 'metacharacters'],
    ['nas:22', "':port'"],
    ['nas:tank/x', 'metacharacters'],
    ['256.1.1.1', 'IPv4'],
    ['1.2.3', 'IPv4'],
    ['-oProxyCommand=x', 'metacharacters'],
    ['-nas', "'-'"],
    ['a..b', 'hostname'],
    [`${'a'.repeat(64)}.com`, 'hostname'],
    ['x'.repeat(254), '253'],
  ])('rejects %j (%s)', (host, why) => {
    expect(hostNameProblem(host)).toContain(why)
  })
})
