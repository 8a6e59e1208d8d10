/**
 * Dataset, pool, snapshot, hold and auth methods with the real result shapes and error texts
 * (contract §2.1, §2.2): "not found" is an empty list, not an error, where the real API does so.
 *
 * @since 0.1.0
 */
import { AppError, type MethodSpec, opt, req, str, truthy, zfs } from './Method.js'
import { zfsGet } from './Properties.js'

const local = (ctx: Parameters<MethodSpec['run']>[1]) => ctx.model.local

export const zfsMethods: Readonly<Record<string, MethodSpec>> = {
  auth_login: {
    params: [req('username'), req('password')],
    mutates: false,
    run: (a, ctx) => {
      const r = ctx.auth.login(a['username'], a['password'])
      if (r === undefined) throw new AppError(-32003, 'Invalid credentials')
      return r
    },
  },
  pool_list: {
    params: [],
    mutates: false,
    zfs: 'one',
    run: (_a, ctx) => ({ pools: local(ctx).pools() }),
  },
  dataset_list: {
    params: [opt('dataset', null)],
    mutates: false,
    zfs: 'one',
    run: (a, ctx) => ({
      datasets: local(ctx).listDatasets(a['dataset'] === null ? undefined : str(a['dataset'], -32014)),
    }),
  },
  dataset_create: {
    params: [req('dataset'), opt('properties', null)],
    mutates: true,
    zfs: 'one',
    run: (a, ctx) => {
      const ds = str(a['dataset'], -32011)
      zfs(local(ctx).createDataset(ds, ctx.clock.now()), -32010, 'Failed to create dataset')
      return { dataset: ds, created: true }
    },
  },
  dataset_destroy: {
    params: [req('dataset'), opt('recursive', false)],
    mutates: true,
    zfs: 'one',
    run: (a, ctx) => {
      const ds = str(a['dataset'], -32013)
      zfs(local(ctx).destroyDataset(ds, truthy(a['recursive'])), -32012, 'Failed to destroy dataset')
      return { dataset: ds, destroyed: true }
    },
  },
  dataset_get_properties: {
    params: [req('dataset'), opt('property', 'all')],
    mutates: false,
    zfs: 'one',
    // `zfs get -H <property> <ds>` without -p (human values); any zfs failure is an empty object.
    run: (a, ctx) => {
      const ds = str(a['dataset'], -32015)
      const property = str(a['property'], -32015)
      return { dataset: ds, properties: zfsGet(local(ctx), ds, property, ctx.zone) ?? {} }
    },
  },
  clone_create: {
    params: [req('source'), req('target'), opt('properties', null)],
    mutates: true,
    zfs: 'one',
    run: (a, ctx) => {
      const [source, target] = [str(a['source'], -32051), str(a['target'], -32051)]
      zfs(local(ctx).clone(source, target, ctx.clock.now()), -32050, 'Failed to create clone')
      return { source, clone: target, created: true }
    },
  },
  snapshot_list: {
    params: [req('dataset')],
    mutates: false,
    zfs: 'listsHost',
    // Lists every snapshot on the host and filters by name, so any dataset value just matches nothing.
    run: (a, ctx) => ({
      dataset: a['dataset'],
      snapshots:
        typeof a['dataset'] === 'string'
          ? local(ctx)
              .snapshots(a['dataset'])
              .map((s) => s.name)
          : [],
    }),
  },
  snapshot_create: {
    params: [req('dataset'), req('name'), opt('recursive', false)],
    mutates: true,
    zfs: 'one',
    run: (a, ctx) => {
      const ds = str(a['dataset'], -32022)
      const name = str(a['name'], -32022)
      zfs(
        local(ctx).createSnapshot(ds, name, truthy(a['recursive']), ctx.clock.now()),
        -32021,
        'Failed to create snapshot',
      )
      return { dataset: ds, snapshot: name, created: true }
    },
  },
  snapshot_destroy: {
    params: [req('dataset'), req('snapshot'), opt('recursive', false)],
    mutates: true,
    zfs: 'one',
    run: (a, ctx) => {
      const ds = str(a['dataset'], -32027)
      const snap = str(a['snapshot'], -32027)
      zfs(local(ctx).destroySnapshot(ds, snap, truthy(a['recursive'])), -32026, 'Failed to destroy snapshot')
      return { snapshot: `${ds}@${snap}`, destroyed: true }
    },
  },
  snapshot_hold: {
    params: [req('dataset'), req('snapshot'), req('tag'), opt('recursive', false)],
    mutates: true,
    zfs: 'one',
    run: (a, ctx) => {
      const [ds, snap, tag] = [str(a['dataset'], -32031), str(a['snapshot'], -32031), str(a['tag'], -32031)]
      zfs(local(ctx).hold(ds, snap, tag, truthy(a['recursive'])), -32030, 'Failed to hold snapshot')
      return { dataset: ds, snapshot: snap, hold: tag }
    },
  },
  snapshot_release: {
    params: [req('dataset'), req('snapshot'), req('tag'), opt('recursive', false)],
    mutates: true,
    zfs: 'one',
    run: (a, ctx) => {
      const [ds, snap, tag] = [str(a['dataset'], -32033), str(a['snapshot'], -32033), str(a['tag'], -32033)]
      zfs(local(ctx).release(ds, snap, tag, truthy(a['recursive'])), -32032, 'Failed to release snapshot')
      return { dataset: ds, snapshot: snap, released: tag }
    },
  },
  snapshot_holds_list: {
    params: [req('dataset'), req('snapshot'), opt('recursive', false)],
    mutates: false,
    zfs: 'one',
    run: (a, ctx) => {
      const [ds, snap] = [str(a['dataset'], -32034), str(a['snapshot'], -32034)]
      return { dataset: ds, snapshot: snap, holds: local(ctx).holds(ds, snap, truthy(a['recursive'])) }
    },
  },
}
