/**
 * The command line as a library: `main(argv, io)` runs a command in-process (`memoryIo()` keeps what it
 * printed), `commands` lists them.
 *
 * @since 0.1.0
 */
export { type Command, ExitCode } from './Command.js'
export { commands } from './Commands.js'
export { type Io, memoryIo, processIo } from './Io.js'
export { main, VERSION } from './Main.js'
