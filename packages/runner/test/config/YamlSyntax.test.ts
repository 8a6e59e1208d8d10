import { describe, expect, it } from 'vitest'
import * as CE from '../../src/config/ConfigError.js'
import { errorsOf, exampleText } from './fixtures.js'

/** The shipped example with line `n` (1-based) replaced. */
const exampleWith = (n: number, line: string): string => {
  const lines = exampleText.split('\n')
  lines[n - 1] = line
  return lines.join('\n')
}

const retention = (weekly: string): string =>
  [
    'server:', //                     1
    '  backup_interval: 600', //      2
    '  retention:', //                3
    '    frequent: 4', //             4
    '    hourly: 12', //              5
    '    daily: 7', //                6
    weekly, //                        7
    '    monthly: 6', //              8
    'datasets:', //                   9
    '  - local_dataset: tank/data', // 10
  ].join('\n')

describe('a YAML syntax error: one message, at the line that slipped', () => {
  it.each([
    ['a key indented too far under a key with a value', retention('      weekly: 4'), 7, 7],
    ['a key indented between two block columns', retention('   weekly: 4'), 7, 4],
    // The parser reports this at lines 8, 11 and 18 (the siblings), never at 7.
    [
      'the first key of a block indented too far (the example, line 7)',
      exampleWith(7, `    ${exampleText.split('\n')[6]!.trim()}`),
      7,
      5,
    ],
  ])('%s', (_what, yaml, line, column) => {
    const errors = errorsOf(yaml)
    expect(errors.map(CE.format)).toHaveLength(1)
    expect(errors[0]).toMatchObject({ _tag: 'YamlSyntax', line, column })
    expect(CE.format(errors[0]!)).toMatch(new RegExp(`^line ${line}: YAML syntax error .*bad indentation`))
  })

  it('other syntax errors: the first one the parser found, alone', () => {
    const errors = errorsOf(
      'server:\n  backup_interval: [600\n  schedule: {days: "1"\ndatasets:\n  - x: "y\n',
    )
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ _tag: 'YamlSyntax', line: 3 })
  })

  it('sequences at the key column, nested lists and block scalars are not read as slips', () => {
    const yaml = [
      'server:', //                            1
      '  backup_interval: 600', //             2
      'datasets:', //                          3
      '- local_dataset: tank/data', //         4
      '  recursive: false', //                 5
      '  destinations:', //                    6
      '    - remote_host: nas', //             7
      '      remote_dataset: |', //            8
      '          backup/data', //              9
      '- local_dataset: tank/vm', //           10
      '  recursive: true', //                  11
      '  recursive: false', //                 12: the only error, a duplicate key
    ].join('\n')
    const errors = errorsOf(yaml)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ _tag: 'YamlSyntax', line: 12 })
  })
})
