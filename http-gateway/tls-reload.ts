/**
 * Certificate rotation without a restart: on SIGHUP or when the certificate or key file
 * changes, the gateway re-reads them and swaps the HTTPS listeners' secure context. New TLS
 * connections get the new certificate; open connections keep theirs (a handshake is never
 * redone), so nothing in flight is dropped. A new certificate that does not load is logged and
 * the current one stays.
 */
import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { Server as TlsServer } from 'node:tls';
import type { TlsSource } from '../core-service/shared/config.js';
import type { Logger } from '../core-service/shared/logger.js';
import { loadTls, TlsConfigError, type TlsMaterial } from './tls.js';

/** What caused a reload, as logged. */
export type ReloadTrigger = 'SIGHUP' | 'file change';

export interface CertificateReloader {
  /** Re-reads the certificate; true when a new one is now served, false when unchanged or unusable. */
  reload(trigger: ReloadTrigger): boolean;
  /** Stops watching the files. */
  close(): void;
}

export interface CertificateReloaderOptions {
  source: TlsSource;
  /** The material the servers were started with. */
  current: TlsMaterial;
  servers: Pick<TlsServer, 'setSecureContext'>[];
  logger: Logger;
  /**
   * Quiet time after the last file event before reloading: writing a key and a certificate
   * (or a Kubernetes Secret's symlink swap) raises several events in a row.
   */
  debounceMs?: number;
}

const fingerprint = (cert: string): string => {
  try {
    return new X509Certificate(cert).fingerprint256;
  } catch {
    return 'unknown';
  }
};

/**
 * Watches the directories of `source.certPath`/`keyPath` (not the files: an atomic replace or
 * a Secret update swaps the file, which a watch on the old inode would miss).
 */
export function watchCertificate(options: CertificateReloaderOptions): CertificateReloader {
  const { source, servers, logger } = options;
  let current = options.current;

  const reload = (trigger: ReloadTrigger): boolean => {
    let next: TlsMaterial | undefined;
    try {
      next = loadTls(source);
    } catch (err) {
      const reason = err instanceof TlsConfigError ? err.message : String(err);
      logger.error({ trigger, reason }, 'the new TLS certificate cannot be used; keeping the current one');
      return false;
    }
    if (next === undefined || (next.cert === current.cert && next.key === current.key)) {
      logger.info({ trigger, fingerprint: fingerprint(current.cert) }, 'TLS certificate unchanged');
      return false;
    }
    for (const server of servers) server.setSecureContext({ key: next.key, cert: next.cert });
    current = next;
    logger.info({ trigger, fingerprint: fingerprint(next.cert) }, 'TLS certificate reloaded');
    return true;
  };

  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const paths = [source.certPath, source.keyPath].filter((p): p is string => typeof p === 'string' && p !== '');
  // Inline PEM comes from the environment, which cannot change under a running process.
  const fromFiles = source.certPem === undefined && source.keyPem === undefined;
  if (fromFiles) {
    for (const dir of new Set(paths.map((p) => dirname(p)))) {
      try {
        const watcher = watch(dir, { persistent: false }, () => {
          clearTimeout(timer);
          timer = setTimeout(() => reload('file change'), options.debounceMs ?? 500);
          timer.unref();
        });
        watcher.on('error', (err) => logger.warn({ dir, err }, 'stopped watching the TLS certificate directory; SIGHUP still reloads'));
        watchers.push(watcher);
      } catch (err) {
        logger.warn({ dir, err }, 'cannot watch the TLS certificate directory; reload with SIGHUP');
      }
    }
  }

  return {
    reload,
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
