import { describe, expect, it } from 'vitest'
import * as Health from '../../src/http/Health.js'

const MIN = 60_000
const base: Health.DaemonStatus = {
  startedAt: 0,
  lastCycleAt: 10 * MIN,
  apiReachable: true,
  apiDownSince: undefined,
  tickMs: MIN,
}

describe('Health.evaluate', () => {
  it.each([
    ['a recent cycle and the API up', base, 11 * MIN, 200],
    [
      'the API down for 4 min (a blip)',
      { ...base, apiReachable: false, apiDownSince: 7 * MIN },
      11 * MIN,
      200,
    ],
    ['the API down for 5 min', { ...base, apiReachable: false, apiDownSince: 6 * MIN }, 11 * MIN, 503],
    ['no cycle for 5 min 1 s', base, 15 * MIN + 1000, 503],
    ['starting, no cycle yet, 1 min in', { ...base, lastCycleAt: undefined }, 1 * MIN, 200],
    ['never completed a cycle in 6 min', { ...base, lastCycleAt: undefined }, 6 * MIN, 503],
  ] as const)('%s → %i', (_, status, now, code) => {
    expect(Health.evaluate(status, now).httpStatus).toBe(code)
  })

  it('staleness scales with long ticks (3 ticks)', () => {
    const s = { ...base, tickMs: 10 * MIN }
    expect(Health.evaluate(s, 10 * MIN + 29 * MIN).httpStatus).toBe(200)
    expect(Health.evaluate(s, 10 * MIN + 31 * MIN).httpStatus).toBe(503)
  })

  it('says why, with the time of the last cycle', () => {
    const r = Health.evaluate({ ...base, apiReachable: false, apiDownSince: 0 }, 20 * MIN)
    expect(r.body).toEqual({
      status: 'unhealthy',
      lastCycleAt: '1970-01-01T00:10:00.000Z',
      apiReachable: false,
      problems: [
        'ZFS API unreachable since 1970-01-01T00:00:00.000Z',
        'no cycle completed since 1970-01-01T00:10:00.000Z',
      ],
      troubles: [],
    })
  })

  it('is degraded (500) with a trouble, naming it and since when; unhealthy still wins (503)', () => {
    const troubles = [
      { kind: 'sync-lag' as const, subject: 'tank/a → nas:b', why: 'last sync 3d ago', since: 0 },
    ]
    const r = Health.evaluate({ ...base, troubles }, 11 * MIN)
    expect(r.httpStatus).toBe(500)
    expect(r.body.status).toBe('degraded')
    expect(r.body.troubles).toEqual([
      {
        kind: 'sync-lag',
        subject: 'tank/a → nas:b',
        why: 'last sync 3d ago',
        since: '1970-01-01T00:00:00.000Z',
      },
    ])
    expect(r.body.problems).toEqual([
      'sync-lag: tank/a → nas:b: last sync 3d ago (since 1970-01-01T00:00:00.000Z)',
    ])
    expect(Health.evaluate({ ...base, troubles, lastCycleAt: 0 }, 11 * MIN).httpStatus).toBe(503)
  })
})
