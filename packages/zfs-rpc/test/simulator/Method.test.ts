import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { bind, type MethodSpec, opt, req, truthy } from '../../src/testing/Method.js'

const spec: MethodSpec = {
  params: [req('dataset'), req('snapshot'), opt('recursive', false)],
  mutates: false,
  run: () => null,
}

describe('bind (Python Signature.bind, as jsonrpcserver checks params)', () => {
  it.each([
    [{ dataset: 'd', snapshot: 's' }, E.right({ dataset: 'd', snapshot: 's', recursive: false })],
    [['d', 's', true], E.right({ dataset: 'd', snapshot: 's', recursive: true })],
    [{ dataset: 'd' }, E.left("missing a required argument: 'snapshot'")],
    [{ dataset: 'd', snapshot: 's', bogus: 1 }, E.left("got an unexpected keyword argument 'bogus'")],
    [{ bogus: 1 }, E.left("missing a required argument: 'dataset'")],
    [['d', 's', true, 4], E.left('too many positional arguments')],
    [{}, E.left("missing a required argument: 'dataset'")],
  ])('%j → %j', (params, expected) => {
    expect(bind(spec, params)).toEqual(expected)
  })

  it.each([
    [null, false],
    [0, false],
    ['', false],
    [[], false],
    [{}, false],
    ['false', true],
    [1, true],
  ])('truthy(%j) = %s (Python truthiness)', (v, b) => {
    expect(truthy(v)).toBe(b)
  })
})
