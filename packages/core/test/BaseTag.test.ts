import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as BaseTag from '../src/BaseTag.js'
import * as SyncHold from '../src/SyncHold.js'
import { runs } from './runs.js'

const bytes = (s: string) => new TextEncoder().encode(s).length

describe('BaseTag', () => {
  it('is readable when it fits: autobackup-base@<host>@<remote dataset>', () => {
    const d = { remoteHost: '10.0.0.5', remoteDataset: 'backup/data' }
    expect(BaseTag.of(d)).toBe('autobackup-base@10.0.0.5@backup/data')
    expect(BaseTag.parse(BaseTag.of(d))).toEqual({ _tag: 'Readable', ...d })
  })

  it('two remote datasets on one host get two tags', () => {
    expect(BaseTag.of({ remoteHost: 'nas', remoteDataset: 'a/x' })).not.toBe(
      BaseTag.of({ remoteHost: 'nas', remoteDataset: 'a/y' }),
    )
  })

  it('is hashed when the readable form would reach 256 bytes: 255 fits, 256 does not', () => {
    const prefix = 'autobackup-base@h@'
    const fits = { remoteHost: 'h', remoteDataset: `p/${'a'.repeat(255 - prefix.length - 2)}` }
    expect(bytes(BaseTag.of(fits))).toBe(255)
    expect(BaseTag.parse(BaseTag.of(fits))?._tag).toBe('Readable')
    const long = { ...fits, remoteDataset: `${fits.remoteDataset}a` }
    expect(BaseTag.of(long)).toMatch(/^autobackup-base#[0-9a-f]{16}$/)
    expect(BaseTag.parse(BaseTag.of(long))).toEqual({ _tag: 'Hashed', hash: BaseTag.of(long).slice(16) })
  })

  it('FNV-1a 64 matches its published test vectors', () => {
    expect(BaseTag.fnv1a64('')).toBe('cbf29ce484222325')
    expect(BaseTag.fnv1a64('a')).toBe('af63dc4c8601ec8c')
    expect(BaseTag.fnv1a64('foobar')).toBe('85944171f73967e8')
  })

  it('counts UTF-8 bytes, not characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        expect(BaseTag.utf8(s).length).toBe(bytes(s))
      }),
      runs(500),
    )
  })

  it('any destination: at most 255 bytes, never a sync tag, always parsed as a base tag, stable', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 253 }).filter((s) => !s.includes('@')),
        fc.string({ minLength: 1, maxLength: 255 }).filter((s) => !s.includes('@')),
        (remoteHost, remoteDataset) => {
          const tag = BaseTag.of({ remoteHost, remoteDataset })
          expect(bytes(tag)).toBeLessThanOrEqual(255)
          expect(tag.startsWith('sync_')).toBe(false)
          expect(SyncHold.parseTag(tag)).toBeUndefined()
          const p = BaseTag.parse(tag)
          expect(p).toBeDefined()
          if (p?._tag === 'Readable') expect(p).toEqual({ _tag: 'Readable', remoteHost, remoteDataset })
          expect(BaseTag.of({ remoteHost, remoteDataset })).toBe(tag)
        },
      ),
      runs(1000),
    )
  })

  it('ordinary and sync tags are not base tags', () => {
    for (const t of [
      'keep',
      'sync_2026-11-27-10-00-00_nas',
      'autobackup-base@',
      'autobackup-base#xyz',
      'autobackup-base@a@b@c',
    ])
      expect(BaseTag.isBaseTag(t)).toBe(false)
  })
})
