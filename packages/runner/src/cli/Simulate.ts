/**
 * `simulate`: run the configured policy over virtual time against the bundled simulator and report (and
 * draw) what it keeps. Implemented in `tools/simulate/SimulateCommand.ts`; registered here under its name.
 *
 * @since 0.1.0
 */
export { command } from '../tools/simulate/SimulateCommand.js'
