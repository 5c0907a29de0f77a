/**
 * What the gateway's request log says about a request. Query strings can carry codes, tokens
 * and challenges (RFC 6749 §4.1.2 puts the code in the redirect's query), and headers carry
 * credentials, so both appear only with `log.leak_sensitive_values` (as in Hydra).
 */
import type { FastifyRequest } from 'fastify';

/** pino serializer for fastify's `req` field. */
export function requestSerializer(leakSensitiveValues: boolean) {
  return (req: FastifyRequest) => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const base = {
      method: req.method,
      // Without leaking, the query's parameter names stay so operators see the request's shape.
      url: leakSensitiveValues || query < 0 ? url : `${url.slice(0, query)}?${[...new URLSearchParams(url.slice(query + 1)).keys()].map((k) => `${k}=redacted`).join('&')}`,
      host: req.host,
      remoteAddress: req.ip,
    };
    return leakSensitiveValues ? { ...base, headers: req.headers } : base;
  };
}
