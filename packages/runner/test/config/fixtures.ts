import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as E from 'fp-ts/lib/Either.js'
import type { Config } from '../../src/config/Config.js'
import type { ConfigError, ConfigErrors } from '../../src/config/ConfigError.js'
import { decodeConfig } from '../../src/config/Decode.js'

export const examplePath = fileURLToPath(new URL('../../../../backup_config.yaml.example', import.meta.url))
export const exampleText = readFileSync(examplePath, 'utf8')

export const decode = (text: string): E.Either<ConfigErrors, Config> =>
  decodeConfig(text, { defaultZone: 'UTC' })

export const errorsOf = (text: string): ReadonlyArray<ConfigError> => {
  const r = decode(text)
  if (E.isRight(r)) throw new Error(`expected errors, got a valid config from:\n${text}`)
  return r.left
}

export const configOf = (text: string): Config => {
  const r = decode(text)
  if (E.isLeft(r)) throw new Error(`expected a valid config, got ${JSON.stringify(r.left)}`)
  return r.right
}
