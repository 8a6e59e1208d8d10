/**
 * The hold tag the daemon owns per destination (core-decisions.md §15): it marks the snapshot(s) that
 * destination is known to have as its newest common snapshot, so retention keeps them and the next
 * incremental finds a common snapshot.
 *
 * Pattern (documented in docs/replication.md):
 * - readable: `autobackup-base@<remote host>@<remote dataset>`, when it fits ZFS's limit on a hold tag
 *   (at most 255 bytes; ZFS refuses 256 and more). Neither a host nor a dataset name may contain `@`, so
 *   the two parts are unambiguous.
 * - hashed: `autobackup-base#<16 hex digits>`, the 64-bit FNV-1a hash of `<host>@<dataset>` in UTF-8,
 *   when the readable form would be too long.
 * Neither form starts with `sync_`: the API's own clean-up (which releases `sync_*_<host>` tags) never
 * touches it, and our hold hygiene never releases it.
 *
 * @since 0.2.0
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface DestinationKey {
  readonly remoteHost: string
  readonly remoteDataset: string
}

export type ParsedBaseTag =
  | { readonly _tag: 'Readable'; readonly remoteHost: string; readonly remoteDataset: string }
  | { readonly _tag: 'Hashed'; readonly hash: string }

export const readablePrefix = 'autobackup-base@'
export const hashedPrefix = 'autobackup-base#'
/** ZFS refuses hold tags of 256 bytes and more (MAXNAMELEN includes the terminating NUL). */
export const maxTagBytes = 255

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** UTF-8 bytes of `s` (hand-written: the core has no TextEncoder). */
export const utf8 = (s: string): ReadonlyArray<number> => {
  const out: number[] = []
  for (const ch of s) {
    const c = ch.codePointAt(0)!
    if (c < 0x80) out.push(c)
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63))
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
  }
  return out
}

const fnvOffset = 0xcbf29ce484222325n
const fnvPrime = 0x100000001b3n
const mask64 = 0xffffffffffffffffn

/** 64-bit FNV-1a of the UTF-8 bytes of `s`, as 16 lower-case hex digits. Stable across versions. */
export const fnv1a64 = (s: string): string => {
  let h = fnvOffset
  for (const b of utf8(s)) h = ((h ^ BigInt(b)) * fnvPrime) & mask64
  return h.toString(16).padStart(16, '0')
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** The base hold tag of one destination; always at most `maxTagBytes` bytes. */
export const of = (d: DestinationKey): string => {
  const readable = `${readablePrefix}${d.remoteHost}@${d.remoteDataset}`
  return utf8(readable).length <= maxTagBytes
    ? readable
    : `${hashedPrefix}${fnv1a64(`${d.remoteHost}@${d.remoteDataset}`)}`
}

// -------------------------------------------------------------------------------------
// parsing
// -------------------------------------------------------------------------------------

/** The destination a base tag names (or its hash); `undefined` for any other tag. */
export const parse = (tag: string): ParsedBaseTag | undefined => {
  if (tag.startsWith(readablePrefix)) {
    const rest = tag.slice(readablePrefix.length)
    const at = rest.indexOf('@')
    if (at <= 0 || at === rest.length - 1 || rest.indexOf('@', at + 1) >= 0) return undefined
    return { _tag: 'Readable', remoteHost: rest.slice(0, at), remoteDataset: rest.slice(at + 1) }
  }
  if (tag.startsWith(hashedPrefix)) {
    const hash = tag.slice(hashedPrefix.length)
    return /^[0-9a-f]{16}$/.test(hash) ? { _tag: 'Hashed', hash } : undefined
  }
  return undefined
}

/** Whether `tag` is a base tag of any destination (configured or not): never released by hygiene. */
export const isBaseTag = (tag: string): boolean => parse(tag) !== undefined
