/**
 * `status`: snapshots, sync lag, migrations and back-off per dataset, with a Nagios-style exit code.
 * Implemented in `tools/status/StatusCommand.ts`; registered here under its name.
 *
 * @since 0.1.0
 */
export { command } from '../tools/status/StatusCommand.js'
