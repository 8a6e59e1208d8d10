/**
 * Codecs for migration tasks (`migration_get`, `migration_list`): snake_case wire → camelCase domain.
 * Quirks handled here: `progress` is `null` or `{}` until the first pv tick; `result` is absent from list
 * entries; `rate_mbps` is MiB/s; tasks created through the legacy REST route carry no `sync` (the API
 * defaults it to true) and `remote`/`limit`/`compression` may be absent or null.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { firstFailure } from './DecodeFailure.js'
import * as R from './RpcError.js'
import { isObject, mapped, nullable } from './WireCodec.js'
import type {
  InFlightListing,
  MigrationParams,
  MigrationProgress,
  MigrationResult,
  MigrationStatus,
  MigrationTask,
} from './ZfsApi.js'

// -------------------------------------------------------------------------------------
// parts
// -------------------------------------------------------------------------------------

export const Status: t.Type<MigrationStatus, MigrationStatus, unknown> = t.keyof({
  pending: null,
  running: null,
  completed: null,
  failed: null,
  cancelled: null,
})

const ProgressWire = t.type({
  timestamp: t.string,
  bytes_transferred: t.number,
  bytes_total: nullable(t.number),
  percentage: t.number,
  rate_mbps: t.number,
  eta_seconds: t.number,
  elapsed_seconds: t.number,
})
type ProgressWire = t.TypeOf<typeof ProgressWire>

const FullProgress = mapped(
  'MigrationProgress',
  ProgressWire,
  (u): u is MigrationProgress => isObject(u) && typeof u['bytesTransferred'] === 'number',
  (w): MigrationProgress => ({
    timestamp: w.timestamp,
    bytesTransferred: w.bytes_transferred,
    bytesTotal: w.bytes_total,
    percentage: w.percentage,
    rateMiBps: w.rate_mbps,
    etaSeconds: w.eta_seconds,
    elapsedSeconds: w.elapsed_seconds,
  }),
  (a): ProgressWire => ({
    timestamp: a.timestamp,
    bytes_transferred: a.bytesTransferred,
    bytes_total: a.bytesTotal,
    percentage: a.percentage,
    rate_mbps: a.rateMiBps,
    eta_seconds: a.etaSeconds,
    elapsed_seconds: a.elapsedSeconds,
  }),
)

/** `null` and `{}` (no pv tick yet) both mean "no progress"; anything else must be a full tick. */
export const Progress: t.Type<MigrationProgress | null, ProgressWire | null, unknown> = new t.Type(
  'MigrationProgress | null | {}',
  (u): u is MigrationProgress | null => u === null || FullProgress.is(u),
  (u, c) =>
    u === null || (isObject(u) && Object.keys(u).length === 0)
      ? t.success(null)
      : FullProgress.validate(u, c),
  (a) => (a === null ? null : FullProgress.encode(a)),
)

const ResultWire = t.intersection([
  t.type({ return_code: t.number, elapsed_seconds: t.number }),
  t.partial({ cancelled: nullable(t.boolean) }),
])
type ResultWire = t.TypeOf<typeof ResultWire>

export const Result: t.Type<MigrationResult, ResultWire, unknown> = mapped(
  'MigrationResult',
  ResultWire,
  (u): u is MigrationResult => isObject(u) && typeof u['returnCode'] === 'number',
  (w) => ({ returnCode: w.return_code, elapsedSeconds: w.elapsed_seconds, cancelled: w.cancelled === true }),
  (a) => ({
    return_code: a.returnCode,
    elapsed_seconds: a.elapsedSeconds,
    ...(a.cancelled ? { cancelled: true } : {}),
  }),
)

const ParamsWire = t.intersection([
  t.type({ source: t.string, destination: t.string }),
  t.partial({
    remote: nullable(t.string),
    recursive: nullable(t.boolean),
    sync: nullable(t.boolean),
    limit: nullable(t.number),
    compression: nullable(t.string),
  }),
])
type ParamsWire = t.TypeOf<typeof ParamsWire>

export const Params: t.Type<MigrationParams, ParamsWire, unknown> = mapped(
  'MigrationParams',
  ParamsWire,
  (u): u is MigrationParams => isObject(u) && typeof u['source'] === 'string',
  (w) => ({
    source: w.source,
    destination: w.destination,
    ...(w.remote == null ? {} : { remote: w.remote }),
    recursive: w.recursive ?? false,
    sync: w.sync ?? true,
    ...(w.limit == null ? {} : { limit: w.limit }),
    ...(w.compression == null ? {} : { compression: w.compression }),
  }),
  (a) => ({
    source: a.source,
    destination: a.destination,
    recursive: a.recursive,
    sync: a.sync,
    ...(a.remote === undefined ? {} : { remote: a.remote }),
    ...(a.limit === undefined ? {} : { limit: a.limit }),
    ...(a.compression === undefined ? {} : { compression: a.compression }),
  }),
)

// -------------------------------------------------------------------------------------
// tasks
// -------------------------------------------------------------------------------------

const TaskWire = t.intersection([
  t.type({
    id: t.string,
    status: Status,
    created_at: nullable(t.string),
    started_at: nullable(t.string),
    completed_at: nullable(t.string),
    error: nullable(t.string),
    progress: Progress,
    params: Params,
  }),
  t.partial({ result: nullable(Result) }),
])

/** Fields as the wire has them, with nested values already in domain form. */
type TaskFields = t.TypeOf<typeof TaskWire>
export type TaskOut = t.OutputOf<typeof TaskWire>

export const Task: t.Type<MigrationTask, TaskOut, unknown> = mapped(
  'MigrationTask',
  TaskWire,
  (u): u is MigrationTask => isObject(u) && typeof u['id'] === 'string' && 'startedAt' in u,
  (w: TaskFields): MigrationTask => ({
    id: w.id,
    status: w.status,
    createdAt: w.created_at,
    startedAt: w.started_at,
    completedAt: w.completed_at,
    error: w.error,
    result: w.result ?? null,
    progress: w.progress,
    params: w.params,
  }),
  (a) =>
    TaskWire.encode({
      id: a.id,
      status: a.status,
      created_at: a.createdAt,
      started_at: a.startedAt,
      completed_at: a.completedAt,
      error: a.error,
      result: a.result,
      progress: a.progress,
      params: a.params,
    }),
)

/** `migration_get` result. */
export const MigrationGet = Task

/** `migration_list` result `{ tasks, total }`. Remember: the API applies `limit` before sorting. */
export const MigrationList: t.Type<
  ReadonlyArray<MigrationTask>,
  { readonly tasks: ReadonlyArray<TaskOut> },
  unknown
> = mapped(
  'migration_list',
  t.type({ tasks: t.readonlyArray(Task) }),
  (u): u is ReadonlyArray<MigrationTask> => Array.isArray(u),
  (w) => w.tasks,
  (a) => ({ tasks: a.map(Task.encode) }),
)

/**
 * One `migration_list` page decoded item by item: a task that does not decode is reported (with its id and
 * source when those can be read) instead of failing the page, so one odd task cannot hide all others.
 */
export interface TaskPage {
  readonly items: ReadonlyArray<E.Either<InFlightListing['undecodable'][number], MigrationTask>>
  /** The API's `total`, when it sent one. */
  readonly total: number | undefined
  readonly returned: number
}

const PageWire = t.intersection([
  t.type({ tasks: t.readonlyArray(t.unknown) }),
  t.partial({ total: nullable(t.number) }),
])

const stringAt = (u: unknown, ...keys: ReadonlyArray<string>): string | undefined => {
  let v: unknown = u
  for (const k of keys) v = isObject(v) ? v[k] : undefined
  return typeof v === 'string' ? v : undefined
}

export const TaskPage: t.Decoder<unknown, TaskPage> = {
  name: 'migration_list page',
  validate: (u, c) =>
    E.map(
      (w: t.TypeOf<typeof PageWire>): TaskPage => ({
        items: w.tasks.map((item, i) =>
          E.mapLeft((errors: t.Errors) => {
            const f = firstFailure(`result.tasks[${i}]`, errors)
            const id = stringAt(item, 'id')
            const source = stringAt(item, 'params', 'source')
            return {
              ...(id === undefined ? {} : { id }),
              ...(source === undefined ? {} : { source }),
              error: R.decode('migration_list', f.path, f.message),
            }
          })(Task.decode(item)),
        ),
        total: w.total ?? undefined,
        returned: w.tasks.length,
      }),
    )(PageWire.validate(u, c)),
  decode: (u) => TaskPage.validate(u, [{ key: '', type: PageWire, actual: u }]),
}

/**
 * The pages of one status each into one listing. A page may have been cut short: the API stops at `limit`
 * (before sorting), and says `total` of them matched.
 */
export const inFlightOf = (pages: ReadonlyArray<TaskPage>, limit: number): InFlightListing => ({
  tasks: pages.flatMap((p) => p.items.flatMap((i) => (E.isRight(i) ? [i.right] : []))),
  undecodable: pages.flatMap((p) => p.items.flatMap((i) => (E.isLeft(i) ? [i.left] : []))),
  truncated: pages.some((p) => p.returned >= limit || (p.total !== undefined && p.total > p.returned)),
})
