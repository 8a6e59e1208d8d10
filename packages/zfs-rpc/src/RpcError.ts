/**
 * Everything that can go wrong talking to the API, as a tagged union carrying its evidence.
 *
 * @since 0.1.0
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type RpcError =
  /** No HTTP response: connection refused/reset, DNS, or the per-call timeout (`timedOut`). */
  | {
      readonly _tag: 'Transport'
      readonly method: string
      readonly message: string
      readonly timedOut: boolean
    }
  /** An HTTP status other than 200 (429 = rate limited, 5xx = server trouble). */
  | { readonly _tag: 'Http'; readonly method: string; readonly status: number; readonly body: string }
  /** A reply of the wrong shape; `path` names the offending field, e.g. `result.snapshots[3]`. */
  | { readonly _tag: 'Decode'; readonly method: string; readonly path: string; readonly message: string }
  /** A JSON-RPC error object returned by the API. */
  | {
      readonly _tag: 'Remote'
      readonly method: string
      readonly code: number
      readonly message: string
      readonly data?: unknown
    }
