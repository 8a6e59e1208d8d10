/**
 * Validated names: ZFS dataset names and remote hosts. Both end up in API calls, in hold tags and, on the
 * API host, in `zfs`/`ssh` command lines, so the config rejects anything a shell could misread.
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface DatasetNameBrand {
  readonly DatasetName: unique symbol
}
/** A full ZFS filesystem/volume name such as `tank/data` (no snapshot or bookmark part). */
export type DatasetName = t.Branded<string, DatasetNameBrand>

export interface HostNameBrand {
  readonly HostName: unique symbol
}
/** A hostname or an IPv4/IPv6 address, as the API's migration and the sync hold tags get it. */
export type HostName = t.Branded<string, HostNameBrand>

// -------------------------------------------------------------------------------------
// rules
// -------------------------------------------------------------------------------------

/** ZFS's own limit on a full dataset name (ZFS_MAX_DATASET_NAME_LEN includes the NUL). */
const MAX_DATASET_NAME = 255
const COMPONENT = /^[A-Za-z0-9_.:-]+$/
const SHELL_META = /[\s;&|$`\\'"<>(){}[\]*?!~#^,=%]/

/** Why `name` is not a valid dataset name, or `undefined` when it is. */
export const datasetNameProblem = (name: string): string | undefined => {
  if (name.length === 0) return 'must not be empty'
  if (name.length > MAX_DATASET_NAME) return `longer than ${MAX_DATASET_NAME} characters`
  if (name.includes('@')) return "must not contain '@' (a snapshot name is not a dataset)"
  if (name.includes('#')) return "must not contain '#' (a bookmark name is not a dataset)"
  if (SHELL_META.test(name)) return 'must not contain spaces or shell metacharacters'
  if (name.startsWith('/') || name.endsWith('/')) return "must not start or end with '/'"
  if (name.includes('//')) return "must not contain '//'"
  const components = name.split('/')
  for (const c of components) {
    if (!COMPONENT.test(c)) return 'components may only contain letters, digits and _ . : -'
    if (c === '.' || c === '..') return "components must not be '.' or '..'"
  }
  if (!/^[A-Za-z0-9]/.test(name)) return 'the pool name must start with a letter or digit'
  return undefined
}

const HOST_LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/
const IPV6 = /^[0-9A-Fa-f:.]+$/

/** Why `host` is not a plausible hostname or IP address, or `undefined` when it is. */
export const hostNameProblem = (host: string): string | undefined => {
  if (host.length === 0) return 'must not be empty'
  if (host.length > 253) return 'longer than 253 characters'
  if (host.includes('@')) return "must not contain '@' (the API always connects as root; give the host only)"
  if (/\s/.test(host)) return 'must not contain spaces'
  if (SHELL_META.test(host) || host.includes('/')) return 'must not contain shell metacharacters or /'
  if (host.includes(':')) {
    // Only an IPv6 address may contain ':'; "host:pool/ds" or "host:port" are not supported by the API.
    return IPV6.test(host) && host.split(':').length >= 3 && !host.includes(':::')
      ? undefined
      : "must be a hostname or an IP address (no ':port' or ':dataset' part)"
  }
  if (/^[0-9.]+$/.test(host)) return IPV4.test(host) ? undefined : 'not a valid IPv4 address'
  if (host.startsWith('-')) return "must not start with '-'"
  const labels = host.endsWith('.') ? host.slice(0, -1).split('.') : host.split('.')
  return labels.every((l) => HOST_LABEL.test(l))
    ? undefined
    : 'must be a hostname (letters, digits, - and _, dot-separated) or an IP address'
}

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const branded = <B>(name: string, problem: (s: string) => string | undefined) =>
  new t.Type<t.Branded<string, B>, string, unknown>(
    name,
    (u): u is t.Branded<string, B> => typeof u === 'string' && problem(u) === undefined,
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, `expected a string (${name})`)
      const p = problem(u)
      return p === undefined
        ? t.success(u as t.Branded<string, B>)
        : t.failure(u, c, `${JSON.stringify(u)}: ${p}`)
    },
    (a) => a,
  )

export const DatasetName = branded<DatasetNameBrand>('DatasetName', datasetNameProblem)
export const HostName = branded<HostNameBrand>('HostName', hostNameProblem)
