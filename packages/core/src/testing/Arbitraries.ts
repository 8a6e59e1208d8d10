/**
 * fast-check arbitraries for the core's inputs. Generated lists mix our names with foreign ones that carry
 * type words (`my_frequent_manual`, `hourly_backup_manual`, impossible dates), hold sets mix sync tags of
 * several hosts (some with `_` in the host) with ordinary and malformed tags, and `now` lands before,
 * among and after the snapshot times so clock-behind and boundary cases come up.
 *
 * @since 0.1.0
 */
import fc from 'fast-check'
import * as BaseTag from '../BaseTag.js'
import * as CivilTime from '../CivilTime.js'
import type {
  ArrivalEvidence,
  DatasetObservation,
  HoldsObservation,
  InFlightMigration,
  SyncFailures,
} from '../Observation.js'
import type { PlanInput } from '../Planner.js'
import type { DatasetPolicy, Destination, Policy, ScheduleWindow } from '../Policy.js'
import * as SnapshotName from '../SnapshotName.js'
import type { SnapshotType } from '../SnapshotType.js'
import * as ST from '../SnapshotType.js'
import * as SyncHold from '../SyncHold.js'

// -------------------------------------------------------------------------------------
// time and names
// -------------------------------------------------------------------------------------

const minute = 60_000
/** 2025-01-01T00:00Z and 2028-01-01T00:00Z: a range with leap day, DST changes and year ends. */
const rangeStart = 1_735_689_600_000
const rangeEnd = 1_830_297_600_000

/**
 * Zones with DST (both hemispheres), half-hour and 45-minute offsets, a 30-minute DST shift (Lord Howe),
 * DST changes at local midnight (Santiago; Havana, whose fall-back repeats midnight), and UTC.
 */
export const zoneArb: fc.Arbitrary<string> = fc.constantFrom(
  'Europe/Vienna',
  'UTC',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'America/Santiago',
  'Pacific/Chatham',
  'Asia/Kathmandu',
  'America/Havana',
)

/** An epoch ms on a whole minute within [from, to). */
export const minuteArb = (from = rangeStart, to = rangeEnd): fc.Arbitrary<number> =>
  fc.integer({ min: Math.ceil(from / minute), max: Math.floor((to - 1) / minute) }).map((m) => m * minute)

export const snapshotTypeArb: fc.Arbitrary<SnapshotType> = fc.constantFrom(...ST.all)

/** One of our names at a minute in [from, to). */
export const ourNameArb = (from = rangeStart, to = rangeEnd): fc.Arbitrary<string> =>
  fc.tuple(snapshotTypeArb, minuteArb(from, to)).map(([type, at]) => SnapshotName.format(type, at))

/** Names that are not ours, many of them close to ours. */
export const foreignNameArb: fc.Arbitrary<string> = fc.oneof(
  snapshotTypeArb.map((t) => `my_${t}_manual`),
  snapshotTypeArb.map((t) => `${t}_backup_manual`),
  snapshotTypeArb.map((t) => `auto_${t}_2026-11-27-01-59`),
  fc.tuple(snapshotTypeArb, minuteArb()).map(([t, at]) => `${SnapshotName.format(t, at)}_copy`),
  fc.tuple(snapshotTypeArb, minuteArb()).map(([t, at]) => `x${SnapshotName.format(t, at)}`),
  snapshotTypeArb.map((t) => `${t}_backup_2026-02-30-10-00`),
  fc.constantFrom('sync_base', 'migrate-261127-02-0155', 'manual', 'before-upgrade'),
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !SnapshotName.isOurs(s)),
)

export interface SnapshotListOptions {
  readonly maxLength?: number
  /** Our names in time order (the normal case); false also allows clock jumps between creations. */
  readonly chronological?: boolean
  readonly from?: number
  readonly to?: number
}

/** Unique snapshot names in API order (oldest first), ours and foreign mixed. */
export const snapshotListArb = (options: SnapshotListOptions = {}): fc.Arbitrary<ReadonlyArray<string>> => {
  const { maxLength = 40, chronological = true, from = rangeStart, to = rangeEnd } = options
  return fc
    .uniqueArray(
      fc.oneof({ weight: 4, arbitrary: ourNameArb(from, to) }, { weight: 1, arbitrary: foreignNameArb }),
      {
        maxLength,
      },
    )
    .map((names) => {
      if (!chronological) return names
      // Keep foreign names where they are; put ours in time order in the slots ours occupy.
      const ours = names
        .map((n) => ({ n, p: SnapshotName.parseOrUndefined(n) }))
        .filter((x) => x.p !== undefined)
        .sort((a, b) => a.p!.at - b.p!.at)
        .map((x) => x.n)
      let k = 0
      return names.map((n) => (SnapshotName.isOurs(n) ? ours[k++]! : n))
    })
}

// -------------------------------------------------------------------------------------
// holds
// -------------------------------------------------------------------------------------

/** Remote hosts; some contain `_`, which the tag grammar allows (§6). */
export const hostArb: fc.Arbitrary<string> = fc.constantFrom(
  '10.0.0.5',
  'backup.example.com',
  'my_host',
  'nas_2_b',
)

/** A sync tag `sync_YYYY-MM-DD-HH-MM-SS_<host>` (sometimes without seconds) with a local time in range. */
export const syncTagArb = (host: fc.Arbitrary<string> = hostArb): fc.Arbitrary<string> =>
  fc
    .tuple(host, minuteArb(), fc.integer({ min: 0, max: 59 }), fc.boolean())
    .map(([h, wall, s, withSeconds]) =>
      withSeconds ? SyncHold.formatTag(wall + s * 1000, h) : `sync_${CivilTime.formatStamp(wall)}_${h}`,
    )

/** Tags that are not sync points: they protect but are never released. */
export const foreignTagArb: fc.Arbitrary<string> = fc.constantFrom(
  'keep',
  'sync',
  'sync_',
  'sync_garbage_10.0.0.5',
  'sync_2026-02-30-10-00-00_10.0.0.5',
  'sync_2026-11-27-10-00-00_',
  'syncx_2026-11-27-10-00-00_10.0.0.5',
  'zz_second',
)

/** Holds on a subset of `snapshots`: mostly sync tags, some ordinary tags. */
export const holdsArb = (
  snapshots: ReadonlyArray<string>,
): fc.Arbitrary<ReadonlyMap<string, ReadonlyArray<string>>> =>
  snapshots.length === 0
    ? fc.constant(new Map())
    : fc
        .array(
          fc.tuple(
            fc.constantFrom(...snapshots),
            fc.uniqueArray(
              fc.oneof({ weight: 3, arbitrary: syncTagArb() }, { weight: 1, arbitrary: foreignTagArb }),
              {
                minLength: 1,
                maxLength: 3,
              },
            ),
          ),
          { maxLength: 6 },
        )
        .map((entries) => {
          const m = new Map<string, ReadonlyArray<string>>()
          for (const [s, tags] of entries) m.set(s, [...new Set([...(m.get(s) ?? []), ...tags])])
          return m
        })

// -------------------------------------------------------------------------------------
// policy
// -------------------------------------------------------------------------------------

const open: ScheduleWindow = { days: '1111111', hours: '1'.repeat(24) }

/** Mostly always open; sometimes a random mask (all-closed included). */
export const windowArb: fc.Arbitrary<ScheduleWindow> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(open) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
        fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }),
      )
      .map(([d, h]) => ({
        days: d.map((b) => (b ? '1' : '0')).join(''),
        hours: h.map((b) => (b ? '1' : '0')).join(''),
      })),
  },
)

export const policyArb: fc.Arbitrary<Policy> = fc.record({
  backupIntervalSeconds: fc.constantFrom(30, 60, 300, 600, 3600),
  snapshotWindow: windowArb,
  retention: fc.record({
    frequent: fc.integer({ min: 0, max: 6 }),
    hourly: fc.integer({ min: 0, max: 6 }),
    daily: fc.integer({ min: 0, max: 6 }),
    weekly: fc.integer({ min: 0, max: 4 }),
    monthly: fc.integer({ min: 0, max: 4 }),
    yearly: fc.integer({ min: 0, max: 3 }),
  }),
  remoteSync: fc.record({
    enabled: fc.boolean(),
    intervalSeconds: fc.constantFrom(600, 3600, 86400),
    window: windowArb,
  }),
})

export const destinationArb: fc.Arbitrary<Destination> = fc.record({
  remoteHost: hostArb,
  remoteDataset: fc.constantFrom('backup/data', 'tank/data'),
  enabled: fc.boolean(),
})

export const datasetPolicyArb: fc.Arbitrary<DatasetPolicy> = fc.record({
  dataset: fc.constantFrom('tank/data', 'pool/a_b', 'tank/vm/disk0'),
  recursive: fc.boolean(),
  destinations: fc.uniqueArray(destinationArb, {
    maxLength: 3,
    selector: (d) => `${d.remoteHost}\u0000${d.remoteDataset}`,
  }),
})

// -------------------------------------------------------------------------------------
// observation and whole inputs
// -------------------------------------------------------------------------------------

/**
 * The host's base when the runner started the migration: unknown (not started by this runner), none, a
 * listed snapshot (often the newest: the base moved behind it later), or one no longer listed.
 */
export const baseAtStartArb = (snapshots: ReadonlyArray<string>): fc.Arbitrary<string | null | undefined> =>
  fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.constant('no-longer-listed'),
    ...(snapshots.length === 0 ? [] : [fc.constantFrom(...snapshots), fc.constant(snapshots[0]!)]),
  )

const inFlightArb = (
  destinations: ReadonlyArray<Destination>,
  snapshots: ReadonlyArray<string> = [],
): fc.Arbitrary<ReadonlyArray<InFlightMigration>> =>
  destinations.length === 0
    ? fc.constant([])
    : fc
        .subarray([...destinations], { maxLength: Math.min(2, destinations.length) })
        .chain((ds) => fc.tuple(...ds.map((d) => baseAtStartArb(snapshots).map((b) => [d, b] as const))))
        .map((ds) =>
          ds.map(([d, baseAtStart], i) => ({
            taskId: `task-${i}`,
            remoteHost: d.remoteHost,
            remoteDataset: d.remoteDataset,
            status: 'running' as const,
            ...(baseAtStart === undefined ? {} : { baseAtStart }),
          })),
        )

const failuresArb = (destinations: ReadonlyArray<Destination>): fc.Arbitrary<ReadonlyArray<SyncFailures>> =>
  destinations.length === 0
    ? fc.constant([])
    : fc.subarray([...destinations]).chain((ds) =>
        fc.tuple(
          ...ds.map((d) =>
            fc.record({
              remoteHost: fc.constant(d.remoteHost),
              remoteDataset: fc.constant(d.remoteDataset),
              consecutive: fc.integer({ min: 1, max: 12 }),
              lastFailureAt: minuteArb(),
            }),
          ),
        ),
      )

/**
 * Base holds (core-decisions.md §15) of some destinations on up to three snapshots each, added to `holds`; now
 * and then the base tag of a destination that is not configured (a removed one).
 */
export const withBaseHoldsArb = (
  snapshots: ReadonlyArray<string>,
  destinations: ReadonlyArray<Destination>,
  holds: ReadonlyMap<string, ReadonlyArray<string>>,
): fc.Arbitrary<ReadonlyMap<string, ReadonlyArray<string>>> =>
  snapshots.length === 0
    ? fc.constant(holds)
    : fc
        .array(
          fc.tuple(
            fc.oneof(
              ...(destinations.length === 0 ? [] : [fc.constantFrom(...destinations)]),
              fc.constant<Destination>({ remoteHost: 'gone', remoteDataset: 'old/data', enabled: true }),
            ),
            fc.uniqueArray(fc.constantFrom(...snapshots), { minLength: 1, maxLength: 3 }),
          ),
          { maxLength: destinations.length + 1 },
        )
        .map((entries) => {
          const m = new Map(holds)
          for (const [d, on] of entries) {
            const tag = BaseTag.of(d)
            for (const s of on) m.set(s, [...new Set([...(m.get(s) ?? []), tag])])
          }
          return m
        })

/** Arrival evidence for some destinations: a listed snapshot (any position) or one no longer listed. */
export const evidenceArb = (
  snapshots: ReadonlyArray<string>,
  destinations: ReadonlyArray<Destination>,
): fc.Arbitrary<ReadonlyArray<ArrivalEvidence>> =>
  destinations.length === 0
    ? fc.constant([])
    : fc.subarray([...destinations]).chain((ds) =>
        fc.tuple(
          ...ds.map((d) =>
            fc
              .tuple(
                fc.oneof(
                  {
                    weight: 4,
                    arbitrary: snapshots.length === 0 ? fc.constant('gone') : fc.constantFrom(...snapshots),
                  },
                  { weight: 1, arbitrary: fc.constant('no-longer-listed') },
                ),
                fc.boolean(),
              )
              .map(
                ([snapshot, arrived]): ArrivalEvidence =>
                  arrived
                    ? {
                        _tag: 'Arrived',
                        remoteHost: d.remoteHost,
                        remoteDataset: d.remoteDataset,
                        snapshot,
                        guid: '42',
                      }
                    : { _tag: 'Sent', remoteHost: d.remoteHost, remoteDataset: d.remoteDataset, snapshot },
              ),
          ),
        ),
      )

/** The observed state of one dataset; holds are `Unknown` about one time in ten. */
export const observationArb = (
  destinations: ReadonlyArray<Destination> = [],
  options: SnapshotListOptions = {},
): fc.Arbitrary<DatasetObservation> =>
  snapshotListArb(options).chain((snapshots) =>
    fc.record({
      snapshots: fc.constant(snapshots),
      holds: fc.oneof(
        {
          weight: 9,
          arbitrary: holdsArb(snapshots)
            .chain((h) => withBaseHoldsArb(snapshots, destinations, h))
            .map((bySnapshot): HoldsObservation => ({ _tag: 'Known', bySnapshot })),
        },
        {
          weight: 1,
          arbitrary: fc.constant<HoldsObservation>({ _tag: 'Unknown', why: 'snapshot_holds_list failed' }),
        },
      ),
      inFlight: inFlightArb(destinations, snapshots),
      failures: failuresArb(destinations),
      evidence: evidenceArb(snapshots, destinations),
    }),
  )

/** `now` near the newest of our snapshots: usually after it, sometimes before (clock stepped back). */
const nowNear = (snapshots: ReadonlyArray<string>): fc.Arbitrary<number> => {
  const times = snapshots.map((s) => SnapshotName.parseOrUndefined(s)?.at).filter((t) => t !== undefined)
  const newest = times.length === 0 ? undefined : times[times.length - 1]!
  if (newest === undefined) return fc.integer({ min: rangeStart, max: rangeEnd })
  return fc.oneof(
    fc.integer({ min: newest, max: newest + 3 * 3600_000 }),
    fc.integer({ min: newest, max: newest + 400 * 86_400_000 }),
    fc.integer({ min: newest - 2 * 3600_000, max: newest }),
  )
}

/**
 * What `planInputArb` draws each part from: yours where given (`fc.constant(myPolicy)` to test exactly
 * your configuration), else this module's arbitrary. The snapshot list options apply to the observation.
 */
export interface PlanInputOptions extends SnapshotListOptions {
  readonly policy?: fc.Arbitrary<Policy>
  readonly dataset?: fc.Arbitrary<DatasetPolicy>
  readonly zone?: fc.Arbitrary<string>
}

/** A whole planner input; `now` before, among or after the snapshots. */
export const planInputArb = (options: PlanInputOptions = {}): fc.Arbitrary<PlanInput> =>
  fc
    .tuple(options.policy ?? policyArb, options.dataset ?? datasetPolicyArb, options.zone ?? zoneArb)
    .chain(([policy, dataset, zone]) =>
      observationArb(dataset.destinations, options).chain((observed) =>
        nowNear(observed.snapshots).map((now) => ({ now, zone, policy, dataset, observed })),
      ),
    )
