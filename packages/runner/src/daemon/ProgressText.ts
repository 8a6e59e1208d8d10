/**
 * A migration's pv tick as one human line: `42.5% at 12.3 MiB/s, ETA 1m 20s, 1.2 GiB sent`.
 *
 * @since 0.1.0
 */
import type { MigrationProgress } from '@zfs-autobackup/zfs-rpc'

export const duration = (seconds: number): string => {
  // A negative duration is shown as such, never as 0: a lag below zero is a clock fault to see.
  const sign = seconds <= -0.5 ? '-' : ''
  const s = Math.abs(Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const r = s % 60
  if (h > 0) return `${sign}${h}h ${m}m`
  if (m > 0) return `${sign}${m}m ${r}s`
  return `${sign}${r}s`
}

export const bytes = (n: number): string => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i += 1
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}

export const render = (p: MigrationProgress): string => {
  const total = p.bytesTotal === null ? '' : ` of ${bytes(p.bytesTotal)}`
  const eta = p.bytesTotal === null && p.percentage === 0 ? 'ETA unknown' : `ETA ${duration(p.etaSeconds)}`
  return `${p.percentage.toFixed(1)}% at ${p.rateMiBps.toFixed(1)} MiB/s, ${eta}, ${bytes(p.bytesTransferred)}${total} sent`
}
