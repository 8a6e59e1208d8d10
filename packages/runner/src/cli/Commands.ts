/**
 * The command registry: one entry per command module, in the order `--help` lists them.
 *
 * @since 0.1.0
 */

import { command as run } from '../daemon/RunCommand.js'
import { command as plan } from '../tools/plan/PlanCommand.js'
import { command as simulate } from '../tools/simulate/SimulateCommand.js'
import { command as status } from '../tools/status/StatusCommand.js'
import { command as checkConfig } from './CheckConfig.js'
import type { Command } from './Command.js'
import { command as simulator } from './SimulatorCommand.js'

export const commands: ReadonlyArray<Command> = [run, checkConfig, plan, status, simulate, simulator]

export const find = (name: string): Command | undefined => commands.find((c) => c.name === name)
