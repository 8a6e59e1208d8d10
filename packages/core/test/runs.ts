import type fc from 'fast-check'

/**
 * fast-check parameters for a property: `numRuns` by default (CI), `FC_NUM_RUNS` runs when set (long audits,
 * e.g. `FC_NUM_RUNS=50000 npx vitest run packages/core`), and `FC_SEED` to replay a reported failure. No
 * property reads a clock or global state, so the seed alone reproduces a run.
 */
export const runs = (numRuns: number): fc.Parameters<unknown> => {
  const n = Number(process.env['FC_NUM_RUNS'])
  const seed = process.env['FC_SEED']
  return {
    numRuns: Number.isInteger(n) && n > 0 ? n : numRuns,
    ...(seed !== undefined && seed !== '' ? { seed: Number(seed) } : {}),
  }
}
