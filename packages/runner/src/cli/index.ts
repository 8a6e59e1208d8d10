export * from './Command.js'
export * from './Commands.js'
export * from './Io.js'
export * from './Main.js'
