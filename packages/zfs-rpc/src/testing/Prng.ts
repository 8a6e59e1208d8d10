/**
 * A tiny seedable PRNG (mulberry32) so fault injection and task ids are reproducible from a seed.
 *
 * @since 0.1.0
 */

export interface Prng {
  /** Uniform in [0, 1). */
  readonly next: () => number
}

export const mulberry32 = (seed: number): Prng => {
  let a = seed >>> 0
  return {
    next: () => {
      a = (a + 0x6d2b79f5) >>> 0
      let t = a
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    },
  }
}

const hex = (prng: Prng, digits: number): string => {
  let s = ''
  for (let i = 0; i < digits; i++) s += Math.floor(prng.next() * 16).toString(16)
  return s
}

/** A uuid4-shaped id (the real API uses `uuid.uuid4()`). */
export const uuid4 = (prng: Prng): string => {
  const variant = (8 + Math.floor(prng.next() * 4)).toString(16)
  return `${hex(prng, 8)}-${hex(prng, 4)}-4${hex(prng, 3)}-${variant}${hex(prng, 3)}-${hex(prng, 12)}`
}

/** Random lowercase hex of `digits` length. */
export const randomHex = hex
