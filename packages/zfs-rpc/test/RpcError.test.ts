import { expect, describe as group, it } from 'vitest'
import { remoteFailureOf as classify, snapshotExists } from '../src/RemoteFailure.js'
import * as R from '../src/RpcError.js'

const remote = (method: string, code: number, message: string) => R.remote(method, code, message)

group('retryable', () => {
  it.each([
    [R.transport('m', 'socket hang up', false, 'ECONNRESET'), true],
    [R.transport('m', 'no reply within 30000 ms', true), true],
    [R.http('m', 429, ''), true],
    [R.http('m', 500, ''), true],
    [R.http('m', 503, ''), true],
    [R.http('m', 404, ''), false],
    [R.http('m', 405, ''), false],
    [R.decode('m', 'result', 'x'), false],
    [remote('m', -32000, 'Rate limit exceeded'), true],
    [remote('m', -32603, 'Internal error'), true],
    [remote('snapshot_destroy', -32026, 'dataset is busy'), false],
    [remote('m', -32601, 'Method not found'), false],
    [remote('m', -32002, 'Invalid token'), false],
  ])('%j → %s', (e, expected) => {
    expect(R.retryable(e)).toBe(expected)
  })
})

group('provablyNotExecuted', () => {
  it.each([
    [R.transport('m', 'refused', false, 'ECONNREFUSED'), true],
    [R.transport('m', 'dns', false, 'ENOTFOUND'), true],
    [R.transport('m', 'reset', false, 'ECONNRESET'), false],
    [R.transport('m', 'timeout', true), false],
    [R.http('m', 429, ''), true],
    [R.http('m', 500, ''), false],
    [R.http('m', 502, ''), false],
    [remote('m', -32000, 'Rate limit exceeded'), true],
    [remote('m', -32001, 'Authentication required'), true],
    [remote('m', -32603, 'Internal error'), false],
    [R.decode('m', 'body', 'empty body'), false],
  ])('%j → %s', (e, expected) => {
    expect(R.provablyNotExecuted(e)).toBe(expected)
  })
})

group('classify: method + code + message, since the API reuses codes', () => {
  it.each([
    [
      'snapshot_destroy',
      -32026,
      'Failed to destroy snapshot: cannot destroy snapshot tank/a@s: dataset is busy\n',
      'SnapshotBusy',
    ],
    [
      'snapshot_destroy',
      -32026,
      'Failed to destroy snapshot: could not find any snapshots to destroy; check snapshot names.\n',
      'SnapshotNotFound',
    ],
    [
      'snapshot_create',
      -32021,
      "Failed to create snapshot: cannot create snapshot 'tank/data@manual1': dataset already exists\n",
      'AlreadyExists',
    ],
    // Same code and text from dataset_rename is not a snapshot name clash.
    [
      'dataset_rename',
      -32021,
      "Failed to rename dataset: cannot rename to 'tank/b': dataset already exists\n",
      undefined,
    ],
    [
      'snapshot_release',
      -32032,
      "Failed to release hold: cannot release hold from snapshot 'tank/a@s': no such tag on this dataset\n",
      'NoSuchTag',
    ],
    [
      'snapshot_hold',
      -32030,
      "Failed to hold snapshot: cannot hold snapshot 'tank/a@s': tag already exists on this dataset\n",
      'TagExists',
    ],
    ['snapshot_hold', -32032, 'no such tag on this dataset', undefined],
    ['pool_list', -32001, 'Authentication required', 'AuthRequired'],
    ['snapshot_list', -32002, 'Invalid token', 'InvalidToken'],
    ['auth_login', -32003, 'Invalid credentials', 'InvalidCredentials'],
    ['migration_get', -32105, 'Task not found', 'TaskNotFound'],
    ['migration_cancel', -32114, 'Task not found', 'TaskNotFound'],
    ['migration_create', -32100, 'Migration service not available', 'MigrationServiceUnavailable'],
    ['migration_list', -32113, 'Migration service not available', 'MigrationServiceUnavailable'],
    ['migration_cancel', -32111, 'Failed to cancel task - may have already completed', 'CancelFailed'],
    ['stream_init', -32601, 'Method not found', 'MethodNotFound'],
    ['snapshot_list', -32602, 'Invalid params', 'InvalidParams'],
    ['pool_list', -32040, 'boom', undefined],
  ])('%s %i %j → %s', (method, code, message, expected) => {
    expect(classify(remote(method, code, message))).toBe(expected)
  })

  it('non-remote errors have no remote classification', () => {
    expect(classify(R.http('snapshot_destroy', 500, 'dataset is busy'))).toBeUndefined()
  })
})

group('describeRpcError: one line, no params', () => {
  it.each([
    [
      R.transport('snapshot_list', 'no reply within 30000 ms', true),
      'snapshot_list: timed out: no reply within 30000 ms',
    ],
    [
      R.transport('pool_list', 'connect failed', false, 'ECONNREFUSED'),
      'pool_list: unreachable: connect failed (ECONNREFUSED)',
    ],
    [R.http('pool_list', 429, '{"error":{"code":-32000}}'), 'pool_list: HTTP 429: {"error":{"code":-32000}}'],
    [
      R.decode('snapshot_list', 'result.snapshots[2]', 'expected string, got 5'),
      'snapshot_list: unexpected reply at result.snapshots[2]: expected string, got 5',
    ],
    [
      remote('snapshot_destroy', -32026, "cannot destroy 'tank/a@s':\n dataset is busy\n"),
      "snapshot_destroy: error -32026: cannot destroy 'tank/a@s': dataset is busy",
    ],
  ])('%j', (e, text) => {
    expect(R.describeRpcError(e)).toBe(text)
  })

  it('keeps only the start of a large HTTP body', () => {
    expect((R.http('m', 502, 'x'.repeat(10_000)) as { body: string }).body.length).toBeLessThan(600)
  })
})

group('snapshotExists: the asked snapshot itself exists', () => {
  const exists = (name: string) =>
    remote(
      'snapshot_create',
      -32021,
      `Failed to create snapshot: cannot create snapshot '${name}': dataset already exists\n`,
    )
  it.each([
    ['tank/a@x', true],
    ['tank/a/b@x', false], // a child of a recursive create: nothing was created
    ['tank/ab@x', false],
    ['tank/a@xy', false],
  ])('zfs naming %s for a create of tank/a@x → %s', (named, expected) => {
    expect(snapshotExists('tank/a', 'x')(exists(named))).toBe(expected)
  })
  it('a message naming no snapshot is no proof', () => {
    expect(snapshotExists('tank/a', 'x')(remote('snapshot_create', -32021, 'dataset already exists'))).toBe(
      false,
    )
  })
})
