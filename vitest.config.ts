import { defineConfig } from 'vitest/config'

// Tests run on sources: the "source" export condition maps workspace packages to src/*.ts.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
})
