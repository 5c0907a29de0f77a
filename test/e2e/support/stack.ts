/**
 * One quickstart stack per test, as `npm start` runs it but on free ports and a fresh SQLite
 * file: core and gateway (in-process, real gRPC and HTTP), the example login/consent/logout
 * app, and the example relying party, wired through the same URLS_* settings.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLoginConsentApp } from '../../../deploy/quickstart/login-consent-app.js';
import { startRelyingParty } from '../../../deploy/quickstart/relying-party.js';
import { startCluster, unusedPort } from '../../support/cluster.js';

export interface QuickstartStack {
  /** Tessera's issuer / public URL, with the trailing slash Hydra uses. */
  issuer: string;
  publicUrl: string;
  adminUrl: string;
  /** The login/consent/logout app's base URL. */
  loginAppUrl: string;
  /** The relying party's base URL: where a person starts. */
  rpUrl: string;
  close(): Promise<void>;
}

/** Starts core + gateway on a new SQLite database, then the login app and the relying party. */
export async function startQuickstartStack(): Promise<QuickstartStack> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-e2e-'));
  const closers: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    // The issuer and the login URLs are configuration, so their ports are chosen up front.
    const publicPort = await unusedPort();
    const loginAppPort = await unusedPort();
    const loginApp = `http://127.0.0.1:${loginAppPort}`;
    const issuer = `http://127.0.0.1:${publicPort}/`;
    const cluster = await startCluster({
      dsn: `sqlite://${join(dir, 'tessera.sqlite')}?_fk=true`,
      env: {
        DEV: 'true',
        SERVE_PUBLIC_PORT: String(publicPort),
        URLS_SELF_ISSUER: issuer,
        URLS_LOGIN: `${loginApp}/login`,
        URLS_CONSENT: `${loginApp}/consent`,
        URLS_LOGOUT: `${loginApp}/logout`,
        URLS_POST_LOGOUT_REDIRECT: `${loginApp}/`,
        URLS_DEVICE_VERIFICATION: `${loginApp}/device`,
        URLS_DEVICE_SUCCESS: `${loginApp}/device/done`,
      },
    });
    closers.push(() => cluster.close());
    const silent = () => undefined;
    const app = await startLoginConsentApp({ adminUrl: cluster.adminUrl, port: loginAppPort, onError: silent });
    closers.push(() => app.close());
    const rp = await startRelyingParty({ issuer, adminUrl: cluster.adminUrl, port: 0, onError: silent });
    closers.push(() => rp.close());
    return { issuer, publicUrl: cluster.publicUrl, adminUrl: cluster.adminUrl, loginAppUrl: app.url, rpUrl: rp.url, close };
  } catch (err) {
    await close();
    throw err;
  }
}
