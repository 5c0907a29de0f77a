/**
 * The parts of deploy/verify-images that read structured files: the images' configs (`podman
 * image inspect`), deploy/compose.yaml, the Kubernetes manifests and package-lock.json. The
 * bash script runs the images; this says what to run and with which environment, as bash
 * assignments it `eval`s, so the script never parses YAML or JSON itself. One call prints all
 * of it (each node start costs a second or more on a loaded machine).
 *
 *   plan <dir>      reads <dir>/inspect-<target>.json; writes <dir>/configmaps/<name>/<key>;
 *                   prints IMG_<target>_*, COMPOSE_<service>_*, K8S_<workload>_* and DEV_ONLY
 *   grpc-health <host:port> [ca cert key servername]
 *                   grpc.health.v1 Check from outside the image; prints the status, exit 0 on SERVING
 *
 * Names are made shell-safe: login-consent → login_consent, tessera-core → tessera_core.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../core-service/shared/paths.js';

const DEPLOY = join(PROJECT_ROOT, 'deploy');

/** POSIX single-quoting: the value is taken literally by `eval`. */
const quote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;
const scalar = (name: string, value: string): string => `${name}=${quote(value)}`;
const array = (name: string, values: readonly string[]): string => `${name}=(${values.map(quote).join(' ')})`;
const shellName = (name: string): string => name.replace(/[^A-Za-z0-9_]/g, '_');

function fail(message: string): never {
  process.stderr.write(`verify-images-helper: ${message}\n`);
  process.exit(2);
}

// --- image config ---------------------------------------------------------------------------

interface ImageConfig {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  User?: string;
  WorkingDir?: string;
  Env?: string[] | null;
  ExposedPorts?: Record<string, unknown> | null;
  Healthcheck?: { Test?: string[] | null } | null;
}

function imagePlan(target: string, inspectFile: string): string[] {
  type Inspected = { Config?: ImageConfig; Healthcheck?: ImageConfig['Healthcheck'] };
  const parsed = JSON.parse(readFileSync(inspectFile, 'utf8')) as Inspected[] | Inspected;
  const inspected = (Array.isArray(parsed) ? parsed[0] : parsed) ?? fail(`${inspectFile}: empty`);
  const config = inspected.Config ?? fail(`${inspectFile}: no Config`);
  // docker inspect has it under Config, podman image inspect beside it.
  // HEALTHCHECK ["CMD", argv...] runs argv; ["CMD-SHELL", line] runs /bin/sh -c line; ["NONE"] disables it.
  const test = (config.Healthcheck ?? inspected.Healthcheck)?.Test ?? [];
  let healthcheck: string[] = [];
  if (test[0] === 'CMD') healthcheck = test.slice(1);
  else if (test[0] === 'CMD-SHELL') healthcheck = ['/bin/sh', '-c', test[1] ?? ''];
  const v = (field: string) => `IMG_${shellName(target)}_${field}`;
  return [
    array(v('ENTRYPOINT'), config.Entrypoint ?? []),
    array(v('CMD'), config.Cmd ?? []),
    scalar(v('USER'), config.User ?? ''),
    scalar(v('WORKDIR'), config.WorkingDir || '/'),
    array(v('ENV'), config.Env ?? []),
    array(v('EXPOSE'), Object.keys(config.ExposedPorts ?? {}).map((p) => p.replace(/\/tcp$/, ''))),
    array(v('HEALTHCHECK'), healthcheck),
  ];
}

// --- compose -------------------------------------------------------------------------------

interface ComposeService {
  image?: string;
  environment?: Record<string, string | number | boolean | null> | string[];
  command?: string[] | string;
}

/**
 * Compose interpolation of `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?message}`, `${VAR?message}` and `$$`, from this process's environment, as
 * `docker compose` does it (compose-spec, "Interpolation").
 */
function interpolate(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (match, braced?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
    if (match === '$$') return '$';
    const name = braced ?? bare ?? '';
    const current = env[name];
    const unset = current === undefined || (colon === ':' && current === '');
    if (op === '-') return unset ? (arg ?? '') : (current ?? '');
    if (op === '?') {
      if (unset) fail(`compose requires ${name}: ${arg ?? ''}`);
      return current ?? '';
    }
    return current ?? '';
  });
}

function composePlans(): string[] {
  const compose = parseYaml(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  return Object.entries(compose.services).flatMap(([service, svc]) => {
    const env: string[] = [];
    const raw = svc.environment ?? {};
    const entries = Array.isArray(raw) ? raw.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as const) : Object.entries(raw);
    for (const [key, value] of entries) if (value !== null) env.push(`${key}=${interpolate(String(value), process.env)}`);
    const command = typeof svc.command === 'string' ? fail(`${service}: command must be a list (exec form)`) : (svc.command ?? []);
    const v = (field: string) => `COMPOSE_${shellName(service)}_${field}`;
    return [
      array(v('ENV'), env),
      array(v('COMMAND'), command.map((c) => interpolate(c, process.env))),
      scalar(v('HAS_COMMAND'), svc.command === undefined ? '' : '1'),
    ];
  });
}

// --- Kubernetes -----------------------------------------------------------------------------

interface K8sContainer {
  args?: string[];
  command?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { secretRef?: { name: string } }[];
  volumeMounts?: { name: string; mountPath: string; subPath?: string }[];
  readinessProbe?: K8sProbe;
  livenessProbe?: K8sProbe;
}
interface K8sProbe {
  exec?: { command: string[] };
  httpGet?: { path: string; port: number | string; scheme?: string };
  tcpSocket?: { port: number | string };
  grpc?: { port: number };
}
interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec?: { template?: { spec: { containers: K8sContainer[]; volumes?: { name: string; configMap?: { name: string }; secret?: { secretName: string } }[] } } };
  stringData?: Record<string, string>;
  data?: Record<string, string>;
}

function k8sObjects(): K8sObject[] {
  const dir = join(DEPLOY, 'kubernetes');
  const objects: K8sObject[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const value = doc.toJS() as K8sObject | null;
      if (value) objects.push(value);
    }
  }
  return objects;
}

/** A probe as one line: `exec <argv...>`, `http <scheme> <port> <path>`, `tcp <port>`, or empty. */
function probe(p: K8sProbe | undefined): string[] {
  if (p?.exec) return ['exec', ...p.exec.command];
  if (p?.httpGet) return ['http', (p.httpGet.scheme ?? 'HTTP').toLowerCase(), String(p.httpGet.port), p.httpGet.path];
  if (p?.tcpSocket) return ['tcp', String(p.tcpSocket.port)];
  if (p?.grpc) return ['grpc', String(p.grpc.port)];
  return [];
}

/** Every workload (an object with a pod template) of the manifests, by its name. */
function k8sPlans(): string[] {
  const objects = k8sObjects();
  const secretKeys = (secretName: string): Map<string, string> => {
    const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === secretName);
    const values = new Map<string, string>(Object.entries(secret?.stringData ?? {}));
    for (const [k, v] of Object.entries(secret?.data ?? {})) values.set(k, Buffer.from(v, 'base64').toString('utf8'));
    return values;
  };
  return objects.flatMap((o) => {
    const pod = o.spec?.template?.spec;
    const container = pod?.containers[0];
    if (!pod || !container) return [];
    const env = new Map<string, string>();
    // A Secret the manifests do not hold (made by a generator or out of band) adds nothing here;
    // the script supplies its keys.
    const envFromSecrets = (container.envFrom ?? []).flatMap((f) => (f.secretRef ? [f.secretRef.name] : []));
    for (const name of envFromSecrets) for (const [k, v] of secretKeys(name)) env.set(k, v);
    for (const e of container.env ?? []) {
      if (e.value !== undefined) env.set(e.name, e.value);
      else if (e.valueFrom?.secretKeyRef) env.set(e.name, secretKeys(e.valueFrom.secretKeyRef.name).get(e.valueFrom.secretKeyRef.key) ?? '');
    }
    // Mounts: `<mountPath> <configMap:name[/key]|secret:name>`, for the script to provide.
    const mounts = (container.volumeMounts ?? []).map((m) => {
      const volume = pod.volumes?.find((v) => v.name === m.name);
      const source = volume?.configMap ? `configMap:${volume.configMap.name}` : volume?.secret ? `secret:${volume.secret.secretName}` : `other:${m.name}`;
      return `${m.mountPath} ${source}${m.subPath ? `/${m.subPath}` : ''}`;
    });
    const v = (field: string) => `K8S_${shellName(o.metadata.name)}_${field}`;
    return [
      array(v('ENV'), [...env].map(([k, val]) => `${k}=${val}`)),
      array(v('ENVFROM_SECRETS'), envFromSecrets),
      array(v('COMMAND'), container.command ?? []),
      array(v('ARGS'), container.args ?? []),
      array(v('READINESS'), probe(container.readinessProbe)),
      array(v('LIVENESS'), probe(container.livenessProbe)),
      array(v('MOUNTS'), mounts),
    ];
  });
}

/** Each ConfigMap key as a file <dir>/<name>/<key>, for mounting (with subPath or as a folder). */
function writeConfigMaps(dir: string): void {
  for (const cm of k8sObjects().filter((o) => o.kind === 'ConfigMap')) {
    mkdirSync(join(dir, cm.metadata.name), { recursive: true, mode: 0o755 });
    for (const [key, value] of Object.entries(cm.data ?? {})) writeFileSync(join(dir, cm.metadata.name, key), value, { mode: 0o644 });
  }
}

// --- dev dependencies --------------------------------------------------------------------------

/** The paths (node_modules/…) package-lock.json marks dev-only: none may be in a runtime image. */
function devOnlyPackages(): string[] {
  const lock = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const devOnly = Object.entries(lock.packages).filter(([path, p]) => path !== '' && p.dev === true).map(([path]) => path);
  for (const name of ['typescript', 'ts-proto', '@bufbuild/buf']) {
    if (!devOnly.includes(`node_modules/${name}`)) fail(`package-lock.json does not mark ${name} dev-only; the check would miss it`);
  }
  return devOnly;
}

// --- gRPC health from outside ------------------------------------------------------------------

async function grpcHealth(address: string, [caPath, certPath, keyPath, serverName]: string[]): Promise<number> {
  const tls = caPath ? { caPath, certPath, keyPath, serverName } : {};
  // Loaded here only: gRPC is the slow part of starting this helper.
  const { connectCore } = await import('../http-gateway/grpc-client/core.js');
  const core = connectCore(address, tls);
  try {
    const status = await core.health({ requestId: 'verify-images', timeoutMs: 3_000 });
    process.stdout.write(`${status}\n`);
    return status === 'SERVING' ? 0 : 1;
  } catch (err) {
    process.stdout.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    core.close();
  }
}

const [command = '', ...args] = process.argv.slice(2);
switch (command) {
  case 'plan': {
    const dir = args[0] ?? fail('plan <dir>');
    const images = readdirSync(dir).flatMap((f) => {
      const m = /^inspect-(.+)\.json$/.exec(f);
      return m?.[1] ? imagePlan(m[1], join(dir, f)) : [];
    });
    writeConfigMaps(join(dir, 'configmaps'));
    const lines = [...images, ...composePlans(), ...k8sPlans(), array('DEV_ONLY', devOnlyPackages())];
    process.stdout.write(`${lines.join('\n')}\n`);
    break;
  }
  case 'grpc-health':
    process.exitCode = await grpcHealth(args[0] ?? fail('grpc-health <host:port>'), args.slice(1));
    break;
  default:
    fail(`unknown command "${command}"`);
}
