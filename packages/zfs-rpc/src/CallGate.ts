/**
 * A counting gate over the calls the API host runs for us at once. The API starts one `zfs` process per
 * call of a batch, all together, so the calls of every round trip in flight add up on its CPUs; a round
 * trip of `n` calls waits until `n` are free. First come, first served: a large batch is not starved by a
 * stream of small ones.
 *
 * @since 0.2.0
 */

export interface CallGate {
  /** Waits until `n` (at most the capacity) calls may be in flight, takes them, and returns their release. */
  readonly enter: (n: number) => Promise<() => void>
}

export const make = (capacity: number): CallGate => {
  let used = 0
  const waiting: Array<{ readonly n: number; readonly go: () => void }> = []
  const admit = () => {
    while (waiting.length > 0 && used + waiting[0]!.n <= capacity) {
      const w = waiting.shift()!
      used += w.n
      w.go()
    }
  }
  const enter = (wanted: number): Promise<() => void> => {
    const n = Math.min(Math.max(1, wanted), capacity)
    return new Promise((resolve) => {
      let released = false
      const release = () => {
        if (released) return
        released = true
        used -= n
        admit()
      }
      waiting.push({ n, go: () => resolve(release) })
      admit()
    })
  }
  return { enter }
}
