export * as Logger from './Logger.js'
