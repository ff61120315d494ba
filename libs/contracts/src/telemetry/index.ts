/**
 * The response header that names the trace a gateway answer belongs to (the W3C trace id, 32
 * lowercase hex digits), on every answer, so a client can go from a request to its trace.
 */
export const TRACE_ID_HEADER = 'x-trace-id';

/**
 * W3C Trace Context's proposed response header (`00-<trace id>-<span id>-<flags>`): the same trace
 * id, the gateway's server span, and whether the trace was sampled (flags `01`) or not (`00`).
 */
export const TRACE_RESPONSE_HEADER = 'traceresponse';

/**
 * Response metadata naming the pod that served a gRPC call, and the gateway's response header
 * naming its own replica and those behind it, so load spreading can be seen.
 */
export const SERVED_BY_METADATA = 'x-served-by';
