// A consumer of the packed tarballs: the package READMEs' examples, with assertions. Type-checked with
// `strict`, `skipLibCheck: false` and `moduleResolution: nodenext`, then run under plain node.
import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { Explain, type Policy, planDataset, SnapshotName } from '@zfs-autobackup/core'
import { planInputArb } from '@zfs-autobackup/core/testing'
import { Config, simulatePolicy } from '@zfs-autobackup/runner'
import { describeRpcError, makeClient, type RpcError } from '@zfs-autobackup/zfs-rpc'
import { makeSimulator } from '@zfs-autobackup/zfs-rpc/testing'
import fc from 'fast-check'

// core (README example)
const policy: Policy = {
  backupIntervalSeconds: 900,
  snapshotWindow: { days: '1111111', hours: '1'.repeat(24) },
  retention: { frequent: 4, hourly: 24, daily: 7, weekly: 4, monthly: 12, yearly: 0 },
  remoteSync: { enabled: false, intervalSeconds: 86400, window: { days: '1111111', hours: '1'.repeat(24) } },
}
const plan = planDataset({
  now: Date.parse('2026-12-02T10:00:00Z'),
  zone: 'Europe/Vienna',
  policy,
  dataset: { dataset: 'tank/data', recursive: false, destinations: [] },
  observed: {
    snapshots: ['hourly_backup_2026-12-02-09-00'],
    holds: { _tag: 'Known', bySnapshot: new Map() },
    inFlight: [],
    failures: [],
  },
})
const created = plan.actions.find((a) => a._tag === 'CreateSnapshot')
assert.equal(created?.snapshot, 'hourly_backup_2026-12-02-10-00') // a new hour in Vienna; names carry UTC
assert.ok(Explain.plan(plan).length > 0)

// core/testing: a property over the user's own policy
fc.assert(
  fc.property(planInputArb({ policy: fc.constant(policy) }), (input) => {
    assert.equal(input.policy, policy)
    for (const a of planDataset(input).actions)
      if (a._tag === 'DestroySnapshot') assert.ok(SnapshotName.isOurs(a.snapshot), a.snapshot)
  }),
  { numRuns: 200 },
)

// zfs-rpc (README example)
const sim = makeSimulator({ datasets: ['tank/data'] })
const server = await sim.listen({ port: 0, host: '127.0.0.1' })
const api = makeClient({ url: server.url })
await api.snapshotCreate('tank/data', 'before-upgrade', false)()
const listed = await api.snapshotList('tank/data')()
await server.close()
const text = (e: RpcError): string => describeRpcError(e)
assert.deepEqual(listed._tag === 'Right' ? listed.right : text(listed.left), ['before-upgrade'])

// runner (README example, on the example config this directory carries)
const loaded = Config.decodeConfig(await readFile('backup_config.yaml', 'utf8'), { defaultZone: 'UTC' })
if (loaded._tag === 'Left') throw new Error(loaded.left.map(Config.ConfigError.format).join('\n'))
const { policy: configured, datasets, timezone } = loaded.right
const result = await simulatePolicy({
  policy: configured,
  dataset: datasets[0]!,
  zone: timezone,
  stepMs: configured.backupIntervalSeconds * 1000,
  from: Date.parse('2026-01-01T00:00Z'),
  to: Date.parse('2026-01-03T00:00Z'),
})
assert.ok(result.snapshots.length > 0)
assert.deepEqual(result.violations, [])
console.log(`consumer: ok (${result.snapshots.length} snapshots after 2 simulated days)`)
