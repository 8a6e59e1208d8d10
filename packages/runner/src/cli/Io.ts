/**
 * The capabilities a command gets: output streams, environment and working directory. Injected so the
 * tests run commands in-process and read what they printed.
 *
 * @since 0.1.0
 */

export interface Io {
  /** Writes text as given; commands end their lines with `\n`. */
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
  /** Relative paths on the command line are resolved against this. */
  readonly cwd: string
}

/** The real process. */
export const processIo = (): Io => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
})

/** An in-memory Io for tests: everything printed is kept. */
export const memoryIo = (
  overrides: Partial<Pick<Io, 'env' | 'cwd'>> = {},
): Io & { readonly out: () => string; readonly err: () => string } => {
  let out = ''
  let err = ''
  return {
    stdout: (t) => {
      out += t
    },
    stderr: (t) => {
      err += t
    },
    env: overrides.env ?? {},
    cwd: overrides.cwd ?? '/',
    out: () => out,
    err: () => err,
  }
}
