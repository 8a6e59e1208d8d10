/**
 * Whether a listen address is a loopback one (`127.0.0.0/8`, `::1`, `localhost`): the status page is served
 * there without a token; bound anywhere else it needs one.
 *
 * @since 0.1.0
 */
export const isLoopback = (host: string): boolean => {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '')
  return h === 'localhost' || h === '::1' || h === '::ffff:127.0.0.1' || /^127(\.\d{1,3}){3}$/.test(h)
}
