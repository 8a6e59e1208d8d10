import { describe, expect, it } from 'vitest'
import * as Metrics from '../../src/http/Metrics.js'

const rpc = { httpRequests: 7, rpcCalls: 12, callsByMethod: { snapshot_list: 10, migration_list: 2 } }

describe('Metrics', () => {
  it('renders every family with HELP/TYPE lines and the samples set', () => {
    const m = Metrics.make()
    m.setLastSnapshot('tank/a', 1_700_000_000_000)
    m.setLastSync({ dataset: 'tank/a', remoteHost: 'nas', remoteDataset: 'backup/a' }, 1_700_000_000_000)
    m.countAction('create', 'ok')
    m.countAction('create', 'ok')
    m.countError('transport')
    m.cycleDone(250, 1_700_000_060_000)
    const text = m.render(1_700_000_090_000, rpc)
    for (const line of [
      'zfs_autobackup_last_snapshot_timestamp_seconds{dataset="tank/a"} 1700000000',
      'zfs_autobackup_last_sync_timestamp_seconds{dataset="tank/a",remote_host="nas",remote_dataset="backup/a"} 1700000000',
      'zfs_autobackup_sync_lag_seconds{dataset="tank/a",remote_host="nas",remote_dataset="backup/a"} 90',
      'zfs_autobackup_actions_total{kind="create",outcome="ok"} 2',
      'zfs_autobackup_errors_total{kind="transport"} 1',
      'zfs_autobackup_rpc_calls_total{method="snapshot_list"} 10',
      'zfs_autobackup_http_requests_total 7',
      'zfs_autobackup_cycles_total 1',
      'zfs_autobackup_cycle_duration_seconds 0.25',
      '# TYPE zfs_autobackup_actions_total counter',
    ])
      expect(text.split('\n')).toContain(line)
    expect(text.endsWith('\n')).toBe(true)
  })

  it('one series per destination, whatever record the caller passes', () => {
    const m = Metrics.make()
    m.setLastSync({ dataset: 'a', remoteHost: 'nas', remoteDataset: 'b' }, 1000)
    const richer = { dataset: 'a', remoteHost: 'nas', remoteDataset: 'b', enabled: true, taskId: 'x' }
    m.setLastSync(richer, 5000)
    const lines = m
      .render(6000, rpc)
      .split('\n')
      .filter((l) => l.startsWith('zfs_autobackup_last_sync'))
    expect(lines).toEqual([
      'zfs_autobackup_last_sync_timestamp_seconds{dataset="a",remote_host="nas",remote_dataset="b"} 5',
    ])
  })

  it('escapes label values and forgets a removed dataset', () => {
    const m = Metrics.make()
    m.setLastSnapshot('tank/"odd"\\name', 0)
    expect(m.render(0, rpc)).toContain('{dataset="tank/\\"odd\\"\\\\name"}')
    m.dropDataset('tank/"odd"\\name')
    expect(m.render(0, rpc)).not.toContain('odd')
  })

  it('every sample line is name{labels} value (Prometheus text format)', () => {
    const m = Metrics.make()
    m.setLastSnapshot('a', 1)
    m.countAction('destroy', 'failed')
    const samples = m
      .render(5, rpc)
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
    for (const s of samples)
      expect(s).toMatch(/^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?[0-9.e+]+$/)
  })
})
