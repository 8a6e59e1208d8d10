import { describe, expect, it } from 'vitest'
import * as Troubles from '../../src/health/Troubles.js'
import { memoryLog } from '../daemon/Harness.js'

const MIN = 60_000

describe('Troubles', () => {
  it('warns once when a trouble starts, keeps its since while it stays, and says when it clears', () => {
    const log = memoryLog()
    const seen: number[] = []
    const t = Troubles.make(log, (l) => void seen.push(l.length))
    t.raise('sync-lag', 'tank/a → nas:b', 'last sync 3d ago', 0)
    t.raise('sync-lag', 'tank/a → nas:b', 'last sync 4d ago', 10 * MIN)
    expect(t.list()).toEqual([
      { kind: 'sync-lag', subject: 'tank/a → nas:b', why: 'last sync 4d ago', since: 0 },
    ])
    t.clear('sync-lag', 'tank/a → nas:b', 90 * MIN)
    t.clear('sync-lag', 'tank/a → nas:b', 91 * MIN)
    expect(log.said()).toEqual([
      'WARN degraded: sync-lag: tank/a → nas:b: last sync 3d ago',
      'INFO cleared: sync-lag: tank/a → nas:b (lasted 90m)',
    ])
    expect(seen).toEqual([1, 0])
    expect(t.list()).toEqual([])
  })

  it('reconcile raises the new, keeps the staying and clears the gone, only among the subjects it owns', () => {
    const log = memoryLog()
    const t = Troubles.make(log)
    t.reconcile('stale-migration', [{ subject: 'task-1', why: 'no progress for 2h' }], 0)
    t.raise('stale-migration', 'other:task-9', 'fed by another source', 0)
    t.reconcile(
      'stale-migration',
      [{ subject: 'task-2', why: 'no progress for 3h' }],
      MIN,
      (s) => !s.includes(':'),
    )
    expect(t.list().map((x) => [x.subject, x.since])).toEqual([
      ['other:task-9', 0],
      ['task-2', MIN],
    ])
    expect(log.said().filter((l) => l.startsWith('INFO'))).toEqual([
      'INFO cleared: stale-migration: task-1 (lasted 60s)',
    ])
  })

  it('counts every kind, zero included', () => {
    const t = Troubles.make(memoryLog())
    t.raise('clock-fault', 'tank/a', 'x', 0)
    t.raise('clock-fault', 'tank/b', 'x', 0)
    expect(Object.fromEntries(t.counts())).toEqual({
      ...Object.fromEntries(Troubles.kinds.map((k) => [k, 0])),
      'clock-fault': 2,
    })
    expect(t.counts().size).toBe(Troubles.kinds.length)
  })
})
