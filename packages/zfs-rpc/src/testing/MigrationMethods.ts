/**
 * `migration_*` methods with the real shapes and codes (contract §2.7): create returns at once with
 * `status: "created"` and does not validate datasets; list applies `limit` before sorting (quirk).
 *
 * @since 0.1.0
 */
import { AppError, type Ctx, type MethodSpec, opt, req, truthy } from './Method.js'
import type { Task, TaskParams } from './Task.js'
import { wireParams, wireTask } from './Task.js'

const find = (ctx: Ctx, id: unknown, notFound: number): Task => {
  const task = typeof id === 'string' ? ctx.migrations.get(id) : undefined
  if (task === undefined) throw new AppError(notFound, 'Task not found')
  return task
}

const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))

export const migrationMethods: Readonly<Record<string, MethodSpec>> = {
  migration_create: {
    params: [
      req('source'),
      req('destination'),
      opt('remote', null),
      opt('limit', null),
      opt('compression', null),
      opt('recursive', false),
      opt('sync', true),
    ],
    mutates: true,
    run: (a, ctx) => {
      if (typeof a['source'] !== 'string' || typeof a['destination'] !== 'string')
        throw new AppError(
          -32101,
          `Invalid source or destination: ${String(a['source'])} -> ${String(a['destination'])}`,
        )
      const limit = a['limit']
      const params: TaskParams = {
        source: a['source'],
        destination: a['destination'],
        remote: strOrNull(a['remote']),
        limit: typeof limit === 'number' || typeof limit === 'string' ? limit : null,
        compression: strOrNull(a['compression']),
        recursive: truthy(a['recursive']),
        sync: truthy(a['sync']),
      }
      const task = ctx.migrations.create(params, ctx.fault)
      return { task_id: task.id, status: 'created', params: wireParams(params) }
    },
  },
  migration_get: {
    params: [req('task_id')],
    mutates: false,
    run: (a, ctx) => wireTask(find(ctx, a['task_id'], -32105), true),
  },
  migration_list: {
    params: [opt('status', null), opt('limit', 100)],
    mutates: false,
    run: (a, ctx) => {
      const limit = typeof a['limit'] === 'number' ? a['limit'] : 100
      // Redis KEYS order is arbitrary: scan in id order (random uuids), stop at `limit`, then sort (quirk).
      const picked: Task[] = []
      for (const t of [...ctx.migrations.all()].sort((x, y) => (x.id < y.id ? -1 : 1))) {
        if (picked.length >= limit) break
        if (a['status'] !== null && t.status !== a['status']) continue
        picked.push(t)
      }
      picked.sort((x, y) => (x.createdAt < y.createdAt ? 1 : x.createdAt > y.createdAt ? -1 : 0))
      return { tasks: picked.map((t) => wireTask(t, false)), total: picked.length }
    },
  },
  migration_progress: {
    params: [req('task_id')],
    mutates: false,
    run: (a, ctx) => {
      const t = find(ctx, a['task_id'], -32114)
      return { task_id: t.id, status: t.status, progress: t.progress ?? {}, error: t.error }
    },
  },
  migration_cancel: {
    params: [req('task_id')],
    mutates: true,
    run: (a, ctx) => {
      const t = find(ctx, a['task_id'], -32109)
      if (!ctx.migrations.cancel(t))
        throw new AppError(-32111, 'Failed to cancel task - may have already completed')
      return { task_id: t.id, cancelled: true }
    },
  },
}
