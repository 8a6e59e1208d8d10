import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ZfsHost } from '../../src/testing/ZfsHost.js'

type Op =
  | { readonly op: 'create'; readonly name: string }
  | { readonly op: 'destroy'; readonly name: string }
  | { readonly op: 'hold'; readonly name: string; readonly tag: string }
  | { readonly op: 'release'; readonly name: string; readonly tag: string }

const name = fc.constantFrom('a', 'b', 'c', 'd', 'e')
const tag = fc.constantFrom('t1', 't2')
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('create' as const), name }),
  fc.record({ op: fc.constant('destroy' as const), name }),
  fc.record({ op: fc.constant('hold' as const), name, tag }),
  fc.record({ op: fc.constant('release' as const), name, tag }),
)

/** A trivially correct reference: an ordered list of [name, tags]. */
const reference = (ops: ReadonlyArray<Op>) => {
  let snaps: Array<{ name: string; tags: Set<string> }> = []
  for (const o of ops) {
    const s = snaps.find((x) => x.name === o.name)
    if (o.op === 'create' && !s) snaps.push({ name: o.name, tags: new Set() })
    if (o.op === 'destroy' && s && s.tags.size === 0) snaps = snaps.filter((x) => x !== s)
    if (o.op === 'hold' && s) s.tags.add(o.tag)
    if (o.op === 'release' && s) s.tags.delete(o.tag)
  }
  return snaps.map((s) => [s.name, [...s.tags].sort()])
}

describe('ZfsHost properties', () => {
  it('matches a reference model: creation order kept, held snapshots never destroyed', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const h = new ZfsHost('h')
        h.ensurePath('tank/data')
        for (const o of ops) {
          const before = h.snapshot('tank/data', o.name)
          const held = (before?.holds.size ?? 0) > 0
          if (o.op === 'create') h.createSnapshot('tank/data', o.name, false, 0)
          if (o.op === 'destroy') {
            const r = h.destroySnapshot('tank/data', o.name, false)
            // A held snapshot survives, with the "busy" error.
            if (held)
              expect(r).toMatchObject({ _tag: 'Left', left: expect.stringContaining('dataset is busy') })
          }
          if (o.op === 'hold') h.hold('tank/data', o.name, o.tag, false)
          if (o.op === 'release') h.release('tank/data', o.name, o.tag, false)
        }
        const actual = h.snapshots('tank/data').map((s) => [s.name, [...s.holds].sort()])
        expect(actual).toEqual(reference(ops))
      }),
    )
  })
})
