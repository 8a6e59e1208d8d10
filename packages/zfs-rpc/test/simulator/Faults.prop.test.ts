import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Fault, FaultInjector } from '../../src/testing/Faults.js'
import { mulberry32, uuid4 } from '../../src/testing/Prng.js'

const faults: ReadonlyArray<Fault> = [{ kind: 'drop' }, { kind: 'http500' }, { kind: 'delay', ms: 5 }]
const methods = fc.array(fc.constantFrom('snapshot_list', 'snapshot_destroy', 'pool_list'), {
  maxLength: 100,
})

describe('fault injection properties', () => {
  it('the same seed and call sequence give the same faults', () => {
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), methods, (seed, p, calls) => {
        const run = () => {
          const f = new FaultInjector()
          f.random({ method: '*', probability: p, faults }, seed)
          return calls.map((m) => f.next(m))
        }
        expect(run()).toEqual(run())
      }),
    )
  })

  it('a script is consumed in order before any random rule, then the rules apply', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...faults), { maxLength: 5 }),
        fc.integer({ min: 0, max: 20 }),
        (script, extra) => {
          const f = new FaultInjector()
          f.script('snapshot_destroy', script)
          f.random({ method: 'snapshot_destroy', probability: 1, faults: [{ kind: 'http429' }] }, 1)
          const got = Array.from({ length: script.length + extra }, () => f.next('snapshot_destroy'))
          expect(got).toEqual([...script, ...Array.from({ length: extra }, () => ({ kind: 'http429' }))])
          expect(f.injected()).toHaveLength(script.length + extra)
        },
      ),
    )
  })

  it('probability 0 never injects; a rule for one method leaves the others alone', () => {
    fc.assert(
      fc.property(fc.integer(), methods, (seed, calls) => {
        const f = new FaultInjector()
        f.random({ method: '*', probability: 0, faults }, seed)
        f.random({ method: 'pool_list', probability: 1, faults: [{ kind: 'drop' }] }, seed)
        for (const m of calls) expect(f.next(m)).toEqual(m === 'pool_list' ? { kind: 'drop' } : undefined)
      }),
    )
  })

  it('mulberry32 stays in [0, 1) and uuid4 has the uuid4 shape', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const prng = mulberry32(seed)
        for (let i = 0; i < 50; i++) {
          const x = prng.next()
          expect(x >= 0 && x < 1).toBe(true)
        }
        expect(uuid4(prng)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      }),
    )
  })
})
