import { defineConfig } from 'vitest/config'

// Tests run on sources: the "source" export condition maps workspace packages to src/*.ts.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
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
