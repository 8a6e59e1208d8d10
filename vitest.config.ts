import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Tests run on sources: workspace packages resolve to src/*.ts (the same map as "paths" in
// tsconfig.base.json). An alias, not an export condition, so the published "exports" name only shipped files.
const src = (path: string): string => fileURLToPath(new URL(`./packages/${path}`, import.meta.url))
const workspace = [
  ['@zfs-autobackup/core/testing', 'core/src/testing/index.ts'],
  ['@zfs-autobackup/core', 'core/src/index.ts'],
  ['@zfs-autobackup/zfs-rpc/testing', 'zfs-rpc/src/testing/index.ts'],
  ['@zfs-autobackup/zfs-rpc', 'zfs-rpc/src/index.ts'],
  ['@zfs-autobackup/runner', 'runner/src/index.ts'],
] as const

export default defineConfig({
  resolve: {
    alias: workspace.map(([name, path]) => ({ find: new RegExp(`^${name}$`), replacement: src(path) })),
  },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // CI asks for a JSON report too, to print a plain "N passed, N failed" line (see .ci/run).
    reporters: process.env['VITEST_JSON_REPORT']
      ? ['default', ['json', { outputFile: process.env['VITEST_JSON_REPORT'] }]]
      : ['default'],
  },
})
