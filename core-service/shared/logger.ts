/**
 * Logging setup shared by the three programs: pino on stdout, level from `log.level`, format
 * from `log.format` (json, json_pretty, text), secrets redacted unless
 * `log.leak_sensitive_values` is set, and the request id of the call being served on every line.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Transform } from 'node:stream';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.js';

export type { Logger };

/** Fields that may carry a secret, a token or a code; pino replaces them before writing. */
const SENSITIVE_PATHS = [
  'client_secret',
  '*.client_secret',
  'password',
  '*.password',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'refresh_token',
  '*.refresh_token',
  'id_token',
  '*.id_token',
  'code',
  '*.code',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'client_assertion',
  '*.client_assertion',
];

/**
 * Fields of a database driver's error that carry row or parameter values: PostgreSQL's
 * `detail` ("Failing row contains (…)", "Key (signature)=(…) already exists") and `where`,
 * and the bindings some drivers attach. The message itself holds only the statement's shape
 * (storage/orm.ts, knex's compileSqlOnError).
 */
const DATABASE_VALUE_FIELDS = ['detail', 'where', 'parameters', 'params', 'bindings', 'sql'];

/** pino's error serializer, minus the values a database error carries (issue 15 §3). */
function databaseSafeErr(err: Error): Record<string, unknown> {
  const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const field of DATABASE_VALUE_FIELDS) if (field in out) out[field] = REDACTED;
  // `*.code` is redacted (authorization codes); a driver's error code (40P01, ER_LOCK_DEADLOCK) is not secret.
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.db_code = code;
  // MySQL names the duplicate value in its message: "Duplicate entry '<value>' for key …".
  for (const field of ['message', 'sqlMessage', 'stack']) {
    const text = out[field];
    if (typeof text === 'string') out[field] = text.replace(/Duplicate entry '(?:[^'\\]|\\.)*'/g, "Duplicate entry '?'");
  }
  return out;
}

/** What replaces a sensitive value in the log (Hydra's wording). */
export const REDACTED =
  'Value is sensitive and has been redacted. To see the value set config key "log.leak_sensitive_values = true" or environment variable "LOG_LEAK_SENSITIVE_VALUES=true".';

/** The request being served; every line logged while it runs carries its id. */
const requestContext = new AsyncLocalStorage<{ request_id: string }>();

/**
 * Runs `fn` as part of the request `requestId`: every log line written meanwhile, by any
 * logger, carries `request_id`, so one request can be followed from the gateway into core.
 * @example withRequestId(id, () => handler(call.request));
 */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return requestContext.run({ request_id: requestId }, fn);
}

/** Indents each JSON line pino writes (`log.format: json_pretty`). */
function indentJson(destination: NodeJS.WritableStream): Transform {
  const out = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const lines = chunk.toString('utf8').split('\n').filter((line) => line.length > 0);
      done(null, lines.map((line) => `${JSON.stringify(JSON.parse(line), null, 2)}\n`).join(''));
    },
  });
  out.pipe(destination);
  return out;
}

/** The stream for the configured format; text goes through pino-pretty in this thread (no worker). */
function streamFor(format: Config['log']['format'], destination: NodeJS.WritableStream): NodeJS.WritableStream {
  if (format === 'text') return pretty({ destination, colorize: false, sync: true, translateTime: 'SYS:standard' });
  if (format === 'json_pretty') return indentJson(destination);
  return destination;
}

/** Creates the root logger for one program (`service` names it in every line). */
export function createLogger(
  service: string,
  log: Omit<Config['log'], 'redactionText'> & { redactionText?: string },
  destination?: NodeJS.WritableStream,
): Logger {
  const options: pino.LoggerOptions = {
    name: service,
    // Hydra's `panic` is above `fatal`; pino has no such level, so it gets one.
    customLevels: { panic: 70 },
    level: log.level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => requestContext.getStore() ?? {},
  };
  if (!log.leakSensitiveValues) {
    // `log.redaction_text` replaces Hydra's explanation, as in Hydra.
    options.redact = { paths: SENSITIVE_PATHS, censor: log.redactionText || REDACTED };
    options.serializers = { err: databaseSafeErr };
  }
  return pino(options, streamFor(log.format, destination ?? process.stdout) as pino.DestinationStream);
}
