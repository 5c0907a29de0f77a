/**
 * Hydra's `serve.tls.allow_termination_from` (ory/x tlsx.EnforceTLSRequests): a plain-HTTP
 * listener behind a TLS-terminating proxy serves only requests that come from the listed
 * networks and carry `X-Forwarded-Proto: https`; anything else could have crossed a network in
 * clear text. The health checks (and Prometheus metrics) answer regardless, so load balancers
 * and probes work from anywhere, as in Hydra.
 *
 * Unlike Hydra, only the peer address counts, not `X-Forwarded-For`: any client can write that
 * header, so trusting it would let a direct caller claim to be the proxy.
 */
import { BlockList, isIPv4 } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorBody, HttpError } from './errors/http-error.js';

/** Paths Hydra exempts (healthx.AliveCheckPath, ReadyCheckPath, prometheusx.MetricsPrometheusPath: here under /admin). */
const EXEMPT = new Set(['/health/alive', '/health/ready', '/admin/metrics/prometheus']);

/**
 * Hydra's answer: status 502 with the body its error enhancer makes of a plain Go error (fosite's
 * unknown error, whose status_code says 500); the reason is fosite's debug detail, shown only
 * with `oauth2.expose_internal_errors`.
 */
function refusal(reason: string): HttpError {
  return new HttpError(errorBody('error', 'The error is unrecognizable', '', 500), { debug: reason });
}

/** The networks as a BlockList (`10.0.0.0/8`, `fd00::/8`); entries were validated by config.ts. */
export function networksOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address = '', prefix = ''] = cidr.split('/');
    list.addSubnet(address, Number(prefix), isIPv4(address) ? 'ipv4' : 'ipv6');
  }
  return list;
}

/** The peer address; an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) counts as its IPv4 address. */
function peerOf(request: FastifyRequest): { address: string; family: 'ipv4' | 'ipv6' } | undefined {
  const raw = request.raw.socket.remoteAddress;
  if (raw === undefined) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw)?.[1];
  const address = mapped ?? raw;
  return { address, family: isIPv4(address) ? 'ipv4' : 'ipv6' };
}

/** Refuses plain-HTTP requests that did not come through a trusted TLS-terminating proxy. */
export function requireTerminatedTls(app: FastifyInstance, cidrs: readonly string[], exposeInternalErrors: boolean): void {
  const networks = networksOf(cidrs);
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '';
    if (EXEMPT.has(path)) return;
    const peer = peerOf(request);
    if (peer === undefined || !networks.check(peer.address, peer.family)) {
      request.log.warn({ peer: peer?.address }, 'refused a plain-HTTP request: the peer is not in serve.tls.allow_termination_from');
      return reply.code(502).send(refusal('can not serve request over insecure http').bodyFor(exposeInternalErrors));
    }
    const proto = request.headers['x-forwarded-proto'];
    if (proto !== 'https') {
      request.log.warn({ x_forwarded_proto: proto ?? null }, 'refused a plain-HTTP request: X-Forwarded-Proto is not https');
      const message = proto === undefined || proto === '' ? 'can not serve request over insecure http' : `expected X-Forwarded-Proto header to be https but got: ${String(proto)}`;
      return reply.code(502).send(refusal(message).bodyFor(exposeInternalErrors));
    }
  });
}
