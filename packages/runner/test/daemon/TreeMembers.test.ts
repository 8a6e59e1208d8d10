import type { DatasetPolicy } from '@zfs-autobackup/core'
import { type RpcError, VirtualClock, type ZfsApi } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as TreeMembers from '../../src/daemon/TreeMembers.js'
import * as Logger from '../../src/log/Logger.js'

const HOUR = 3_600_000
const tree = (exclude?: ReadonlyArray<string>): DatasetPolicy => ({
  dataset: 'tank/a',
  recursive: true,
  destinations: [],
  ...(exclude === undefined ? {} : { exclude }),
})

const setup = () => {
  const clock = new VirtualClock(0)
  let reply: E.Either<RpcError, ReadonlyArray<string>> = E.right([
    'tank/a',
    'tank/a/x',
    'tank/a/x/y',
    'tank/ab',
  ])
  const asked: Array<string | undefined> = []
  const api = {
    datasetList: (d?: string) => async () => {
      asked.push(d)
      return reply
    },
  } as unknown as ZfsApi
  const members = TreeMembers.make({ api, clock, log: Logger.silent }, HOUR)
  return {
    clock,
    asked,
    members,
    reply: (r: E.Either<RpcError, ReadonlyArray<string>>) => {
      reply = r
    },
  }
}

const names = (m: ReadonlyMap<string, ReadonlyArray<TreeMembers.Member>>) =>
  m.get('tank/a')?.map((x) => x.dataset)

describe('TreeMembers', () => {
  it('lists the descendants (not the root, not a sibling sharing a prefix), once per period', async () => {
    const t = setup()
    const config = [tree(), { dataset: 'tank/b', recursive: false, destinations: [] }]
    expect(names(await t.members.refresh(config))).toEqual(['tank/a/x', 'tank/a/x/y'])
    expect(t.asked).toEqual(['tank/a'])
    t.clock.set(HOUR - 1)
    await t.members.refresh(config)
    expect(t.asked).toHaveLength(1)
    t.clock.set(HOUR)
    t.reply(E.right(['tank/a', 'tank/a/z']))
    expect(names(await t.members.refresh(config))).toEqual(['tank/a/z'])
    expect(t.asked).toHaveLength(2)
  })

  it('a reply without the root (the API answers [] when zfs fails) or an error keeps the known members', async () => {
    const t = setup()
    const config = [tree()]
    await t.members.refresh(config)
    t.members.invalidate('tank/a')
    t.reply(E.right([]))
    expect(names(await t.members.refresh(config))).toEqual(['tank/a/x', 'tank/a/x/y'])
    t.reply(E.left({ _tag: 'Transport', message: 'down' } as RpcError))
    expect(names(await t.members.refresh(config))).toEqual(['tank/a/x', 'tank/a/x/y'])
    // still stale: read again every refresh until it works
    expect(t.asked).toHaveLength(3)
  })

  it('a reload re-reads; an excluded descendant and its own descendants are marked', async () => {
    const t = setup()
    await t.members.refresh([tree()])
    const m = await t.members.refresh([tree(['tank/a/x'])])
    expect(t.asked).toHaveLength(2)
    expect(m.get('tank/a')).toEqual([
      { dataset: 'tank/a/x', excluded: true },
      { dataset: 'tank/a/x/y', excluded: true },
    ])
  })
})
