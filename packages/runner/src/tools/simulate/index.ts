/**
 * The simulation as a library: `simulatePolicy` runs the real core and daemon parts against the simulator on
 * a virtual clock; `Picture` draws the result, `Report` prints it. See docs/operator-tools.md.
 *
 * @since 0.1.0
 */
export * as Picture from './Picture.js'
export * as Report from './Report.js'
export * from './Simulate.js'
