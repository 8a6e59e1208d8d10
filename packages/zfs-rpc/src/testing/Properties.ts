/**
 * `zfs get -H <props> <ds|ds@snap>` as the API runs it — without `-p`, so values are zfs's human forms
 * (`creation` as `Wed Jan  1  0:00 2025` in the host's local time; `guid`, `createtxg`, `userrefs` plain
 * integers). Only the properties the simulator models exist; any other name fails the whole call, as an
 * invalid property does in zfs ("bad property list"), which the API turns into `{}`.
 *
 * @since 0.1.0
 */
import { DateTime } from 'luxon'
import type { DatasetFacts, ZfsHost } from './ZfsHost.js'

type Getter = (f: DatasetFacts, name: string, zone: string) => string | undefined

/** `ctime`-like: `%a %b %e %k:%M %Y` (day and hour padded with a space). */
export const humanCreation = (ms: number, zone: string): string => {
  const t = DateTime.fromMillis(ms, { zone, locale: 'en-US' })
  return `${t.toFormat('ccc LLL')} ${String(t.day).padStart(2, ' ')} ${String(t.hour).padStart(2, ' ')}:${t.toFormat('mm yyyy')}`
}

/** Property → value; undefined = "does not apply to this type". */
const PROPERTIES: Readonly<Record<string, Getter>> = {
  type: (f) => f.type,
  creation: (f, _n, zone) => humanCreation(f.createdAt, zone),
  guid: (f) => f.guid,
  createtxg: (f) => String(f.createtxg),
  name: (_f, n) => n,
  origin: (f) => (f.type === 'filesystem' ? (f.origin ?? '-') : undefined),
  userrefs: (f) => (f.userrefs === undefined ? undefined : String(f.userrefs)),
}

/** `all` lists every modelled property but `name`, as zfs's `all` does. */
const ALL = Object.keys(PROPERTIES).filter((p) => p !== 'name')

/** The API's `properties` object, or undefined when zfs would fail (missing target, unknown property). */
export const zfsGet = (
  host: ZfsHost,
  target: string,
  property: string,
  zone: string,
): Record<string, string> | undefined => {
  const facts = host.facts(target)
  if (facts === undefined) return undefined
  const wanted = property === 'all' ? ALL : property.split(',')
  const out: Record<string, string> = {}
  for (const p of wanted) {
    // User properties (`module:prop`) are valid names that are simply unset.
    if (p.includes(':')) {
      out[p] = '-'
      continue
    }
    const get = Object.hasOwn(PROPERTIES, p) ? PROPERTIES[p] : undefined
    if (get === undefined) return undefined
    // zfs prints `-` for an inapplicable property asked by name, and leaves it out of `all`.
    const v = get(facts, target, zone)
    if (v !== undefined) out[p] = v
    else if (property !== 'all') out[p] = '-'
  }
  return out
}
