/**
 * Codecs for every reply the product reads except migrations (see `MigrationCodecs.ts`). Each decodes the
 * JSON-RPC `result` straight into the domain value and encodes it back into the wire shape (the simulator
 * and the round-trip properties use `encode`). Fields we do not read are accepted and ignored; fields we
 * read must be there with the right type.
 *
 * @since 0.1.0
 */
import * as t from 'io-ts'
import { isObject, isStringArray, mapped } from './WireCodec.js'
import type { Health } from './ZfsApi.js'

// -------------------------------------------------------------------------------------
// lists
// -------------------------------------------------------------------------------------

/** A reply `{ <key>: string[] }` decoded to the list. */
const listIn = (
  method: string,
  key: string,
): t.Type<ReadonlyArray<string>, Record<string, unknown>, unknown> =>
  mapped(
    method,
    t.type({ [key]: t.readonlyArray(t.string) }),
    isStringArray,
    (w) => w[key] as ReadonlyArray<string>,
    (a) => ({ [key]: a }),
  )

/** Short names, oldest first; an unknown dataset gives `[]`. */
export const SnapshotList = listIn('snapshot_list', 'snapshots')
/** Tags only, sorted descending by the API. */
export const SnapshotHoldsList = listIn('snapshot_holds_list', 'holds')
export const DatasetList = listIn('dataset_list', 'datasets')
export const PoolList = listIn('pool_list', 'pools')

const isStringRecord = (u: unknown): u is Readonly<Record<string, string>> =>
  isObject(u) && Object.values(u).every((v) => typeof v === 'string')

/**
 * `{ dataset, properties: { <name>: <value> } }` decoded to the properties. Values are zfs's human form
 * (the API runs `zfs get` without `-p`); a `guid` is a plain integer string. An unknown dataset or
 * snapshot gives `{}` (the API swallows zfs's failure).
 */
export const DatasetGetProperties = mapped(
  'dataset_get_properties',
  t.type({ properties: t.record(t.string, t.string) }),
  isStringRecord,
  (w) => w.properties as Readonly<Record<string, string>>,
  (a) => ({ dataset: '', properties: { ...a } }),
)

// -------------------------------------------------------------------------------------
// acknowledgements
// -------------------------------------------------------------------------------------

const isVoid = (u: unknown): u is undefined => u === undefined

/** An acknowledgement carrying `key` of type `codec`; the domain value is `void`. */
const ack = <V>(name: string, key: string, codec: t.Type<V, V, unknown>, value: V) =>
  mapped(
    name,
    t.type({ [key]: codec }),
    isVoid,
    () => undefined,
    () => ({ [key]: value }),
  )

export const SnapshotCreate = ack('snapshot_create', 'created', t.literal(true), true as const)
export const SnapshotDestroy = ack('snapshot_destroy', 'destroyed', t.literal(true), true as const)
/** `{ hold: tag }` */
export const SnapshotHold = ack('snapshot_hold', 'hold', t.string, '')
/** `{ released: tag }` */
export const SnapshotRelease = ack('snapshot_release', 'released', t.string, '')
export const MigrationCancel = ack('migration_cancel', 'cancelled', t.literal(true), true as const)

// -------------------------------------------------------------------------------------
// auth and health
// -------------------------------------------------------------------------------------

export interface Login {
  readonly token: string
  readonly expiresInSeconds: number
}

export const AuthLogin: t.Type<Login, { readonly token: string; readonly expires_in: number }, unknown> =
  mapped(
    'auth_login',
    t.type({ token: t.string, expires_in: t.number }),
    (u): u is Login => isObject(u) && typeof u['token'] === 'string',
    (w) => ({ token: w.token, expiresInSeconds: w.expires_in }),
    (a) => ({ token: a.token, expires_in: a.expiresInSeconds }),
  )

/** `GET /health` body. */
export const HealthReply: t.Type<Health, Health, unknown> = mapped(
  'health',
  t.type({ status: t.string, pools: t.number, timestamp: t.string }),
  (u): u is Health => isObject(u) && typeof u['status'] === 'string',
  (w) => ({ status: w.status, pools: w.pools, timestamp: w.timestamp }),
  (a) => a,
)

export const MigrationCreated: t.Type<{ readonly taskId: string }, { readonly task_id: string }, unknown> =
  mapped(
    'migration_create',
    t.type({ task_id: t.string }),
    (u): u is { readonly taskId: string } => isObject(u) && typeof u['taskId'] === 'string',
    (w) => ({ taskId: w.task_id }),
    (a) => ({ task_id: a.taskId }),
  )
