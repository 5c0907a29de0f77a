/**
 * Logging setup shared by the three programs: pino JSON on stdout, level from `log.level`,
 * secrets redacted unless `log.leak_sensitive_values` is set.
 */
import { pino, type Logger } from 'pino';
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

/** Creates the root logger for one program (`service` names it in every line). */
export function createLogger(service: string, log: Config['log'], destination?: NodeJS.WritableStream): Logger {
  const options: pino.LoggerOptions = {
    name: service,
    // Hydra's `panic` is above `fatal`; pino has no such level, so it gets one.
    customLevels: { panic: 70 },
    level: log.level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (!log.leakSensitiveValues) options.redact = { paths: SENSITIVE_PATHS, censor: 'Value is sensitive and has been redacted. To see the value set config key "log.leak_sensitive_values = true" or environment variable "LOG_LEAK_SENSITIVE_VALUES=true".' };
  return pino(options, (destination ?? process.stdout) as pino.DestinationStream);
}
