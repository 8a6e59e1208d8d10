import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { labelOf, type Numbered, parseReplies, requestBody } from '../src/JsonRpc.js'

const calls: ReadonlyArray<Numbered> = [
  { id: 7, method: 'snapshot_list', params: { dataset: 'a' } },
  { id: 8, method: 'pool_list' },
]

describe('framing', () => {
  it('one call is a request object, several a batch; params omitted when absent', () => {
    expect(JSON.parse(requestBody([calls[1]!]))).toEqual({ jsonrpc: '2.0', id: 8, method: 'pool_list' })
    expect(JSON.parse(requestBody(calls))).toEqual([
      { jsonrpc: '2.0', id: 7, method: 'snapshot_list', params: { dataset: 'a' } },
      { jsonrpc: '2.0', id: 8, method: 'pool_list' },
    ])
  })

  it('labels a round trip by its method, or lists a mix', () => {
    expect(labelOf([calls[0]!, calls[0]!])).toBe('snapshot_list')
    expect(labelOf(calls)).toBe('batch(snapshot_list,pool_list)')
  })

  it('matches batch replies to calls by id, whatever their order', () =>
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat(), { minLength: 2, maxLength: 30 }),
        fc.infiniteStream(fc.nat()),
        (ids, seeds) => {
          const sent = ids.map((id) => ({ id, method: 'm' }))
          const answers = sent.map((c) => ({ jsonrpc: '2.0', id: c.id, result: c.id }))
          const it = seeds[Symbol.iterator]()
          // Fisher–Yates with fast-check's numbers, so failures shrink.
          for (let i = answers.length - 1; i > 0; i--) {
            const j = it.next().value % (i + 1)
            ;[answers[i], answers[j]] = [answers[j]!, answers[i]!]
          }
          expect(parseReplies(sent, 200, JSON.stringify(answers))).toEqual(
            E.right(ids.map((id) => E.right(id))),
          )
        },
      ),
    ))

  it.each([
    ['a non-200 status', 502, 'Bad gateway', { _tag: 'Http', status: 502, body: 'Bad gateway' }],
    ['an empty body', 200, '', { _tag: 'Decode', path: 'body' }],
    ['a non-JSON body', 200, 'oops', { _tag: 'Decode', path: 'body' }],
    ['an object where a batch array is due', 200, '{"a":1}', { _tag: 'Decode', path: 'body' }],
    [
      'a whole-request error (id null)',
      200,
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid request"}}',
      { _tag: 'Remote', code: -32600 },
    ],
  ])('%s fails the round trip', (_, status, text, left) => {
    expect(parseReplies(calls, status, text)).toMatchObject(
      E.left({ method: 'batch(snapshot_list,pool_list)', ...left }),
    )
  })

  it('a malformed error object is a Decode error at its path', () => {
    const text = JSON.stringify([
      { jsonrpc: '2.0', id: 7, result: {} },
      { jsonrpc: '2.0', id: 8, error: { code: 'x' } },
    ])
    expect(parseReplies(calls, 200, text)).toEqual(
      E.right([
        E.right({}),
        E.left({
          _tag: 'Decode',
          method: 'pool_list',
          path: 'body[1].error',
          message: 'expected {code: number, message: string}',
        }),
      ]),
    )
  })
})
