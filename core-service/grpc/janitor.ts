/** tessera.v1.JanitorService: one janitor pass over the core's database (janitor/janitor.ts). */
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { JanitorServiceServer } from '../../proto/gen/tessera/v1/janitor.js';
import { DEFAULT_BATCH_SIZE, DEFAULT_LIMIT, JanitorOptionsError, runJanitor, type JanitorStore } from '../janitor/janitor.js';
import { OAuthError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { unary } from './unary.js';

export function janitorServiceHandlers(store: JanitorStore, now: () => Date, logger: Logger): UntypedServiceImplementation {
  const handlers: JanitorServiceServer = {
    janitor: unary(logger, 'Janitor', async (req) => {
      const options = {
        tokens: req.tokens,
        requests: req.requests,
        grants: req.grants,
        batchSize: req.batch_size || DEFAULT_BATCH_SIZE,
        limit: req.limit || DEFAULT_LIMIT,
        keepIfYoungerMs: req.keep_if_younger_ms,
      };
      let report;
      try {
        report = await runJanitor(store, options, now());
      } catch (err) {
        if (err instanceof JanitorOptionsError) throw new OAuthError('invalid_request', { hint: err.message });
        throw err;
      }
      logger.info({ deleted: report, options }, 'janitor pass finished');
      return report;
    }),
  };
  return handlers;
}
