/** Shared wiring for daemon unit tests: a fake API, a virtual clock, a log that keeps its lines. */
import { VirtualClock } from '@zfs-autobackup/zfs-rpc'
import * as Arrivals from '../../src/daemon/Arrivals.js'
import * as ArrivalVerifier from '../../src/daemon/ArrivalVerifier.js'
import * as DestinationApis from '../../src/daemon/DestinationApis.js'
import * as Metrics from '../../src/http/Metrics.js'
import type { Fields, Log } from '../../src/log/Logger.js'
import * as FakeApi from './FakeApi.js'

export interface Line {
  readonly level: 'debug' | 'info' | 'warn' | 'error'
  readonly message: string
  readonly fields: Fields
}

const rank: Readonly<Record<Line['level'], number>> = { debug: 0, info: 1, warn: 2, error: 3 }

export const memoryLog = (): Log & {
  readonly lines: Line[]
  readonly text: (level?: Line['level']) => string[]
  /** `LEVEL message` of each line at `from` or above (default info: what the daemon prints by default). */
  readonly said: (from?: Line['level']) => string[]
} => {
  const lines: Line[] = []
  const at =
    (level: Line['level']) =>
    (message: string, fields: Fields = {}) =>
      void lines.push({ level, message, fields })
  return {
    lines,
    text: (level) => lines.filter((l) => level === undefined || l.level === level).map((l) => l.message),
    said: (from = 'info') =>
      lines.filter((l) => rank[l.level] >= rank[from]).map((l) => `${l.level.toUpperCase()} ${l.message}`),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  }
}

export const T0 = Date.UTC(2026, 10, 27, 12, 0, 0)

export const harness = (initial: Readonly<Record<string, ReadonlyArray<string>>> = {}) => {
  const api = FakeApi.make(initial)
  const clock = new VirtualClock(T0)
  const log = memoryLog()
  const metrics = Metrics.make()
  return { api, clock, log, metrics, caps: { api, clock, log, metrics } }
}

export type Harness = ReturnType<typeof harness>

/**
 * nas:backup/a served by its own fake API (`nas`) holding `remote` (guids as the source's), and the
 * verifier that asks it, writing its evidence into `arrivals`; any other destination has no API.
 */
export const backupHost = (h: Harness, remote: ReadonlyArray<string>) => {
  const nas = FakeApi.make({ 'backup/a': remote })
  const destinationApis = DestinationApis.make(
    [
      {
        remoteHost: 'nas',
        remoteDataset: 'backup/a',
        api: { url: 'http://nas:8545', timeoutSeconds: 30, maxCallsInFlight: 8 },
      },
    ],
    () => nas,
  )
  const arrivals = Arrivals.make()
  const verifier = ArrivalVerifier.make({ ...h.caps, destinationApis }, arrivals)
  return { nas, arrivals, verifier }
}
