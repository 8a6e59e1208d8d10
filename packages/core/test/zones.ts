import { IANAZone } from 'luxon'

// Zones with every kind of offset change: DST both hemispheres, 30-min DST (Lord Howe), 45-min offsets
// (Chatham, Kathmandu), changes at local midnight (Santiago: 24:00→01:00 and 24:00→23:00; Havana:
// 01:00→00:00 repeats midnight; Beirut), zones that gave up DST (Asuncion, 2024) or changed their standard
// offset (Almaty, 2024-03-01 00:00 +06 → 2024-02-29 23:00 +05), and UTC.
export const zones = [
  'Europe/Vienna',
  'America/New_York',
  'America/Santiago',
  'America/Havana',
  'America/Asuncion',
  'Asia/Beirut',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Asia/Gaza',
  'Asia/Almaty',
  'UTC',
] as const

export const from = Date.parse('2024-01-01T00:00:00Z')
export const to = Date.parse('2029-01-01T00:00:00Z')

/** Instants of the offset changes of `zone` in [from, to), to the minute (offset sampled daily, then bisected). */
const transitions = (zone: string): ReadonlyArray<number> => {
  const z = IANAZone.create(zone)
  const off = (t: number) => z.offset(t)
  const found: number[] = []
  for (let t = from; t < to; t += 86_400_000) {
    if (off(t) === off(t + 86_400_000)) continue
    let lo = t
    let hi = t + 86_400_000
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000
      if (off(mid) === off(lo)) lo = mid
      else hi = mid
    }
    found.push(hi)
  }
  return found
}
/** Offset changes per zone in [from, to). */
export const changes = new Map(zones.map((z) => [z, transitions(z)]))
