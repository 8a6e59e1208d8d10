/**
 * `plan`: print what the next cycle would do and why, without doing it. Implemented in
 * `tools/plan/PlanCommand.ts`; registered here under its name.
 *
 * @since 0.1.0
 */
export { command } from '../tools/plan/PlanCommand.js'
