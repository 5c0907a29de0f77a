/**
 * deploy/: what can be checked without a container engine. The Dockerfile copies paths that
 * exist, runs entrypoints the build produces, runs as non-root and health-checks real
 * endpoints; compose and the Kubernetes manifests parse, use the programs' ports, the
 * environment names the config loader knows, and probes that exist. The healthcheck program
 * the images and probes run is exercised against a real core and gateway.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { callerPolicy } from '../core-service/grpc/callers.js';
import { configEnvNames, loadConfig } from '../core-service/shared/config.js';
import { PROJECT_ROOT } from '../core-service/shared/paths.js';
import { parseInvocation } from '../migrator/cli-args.js';
import { createTestCa } from './support/certificates.js';
import { startCluster } from './support/cluster.js';
import { runProgram } from './support/processes.js';

const DEPLOY = join(PROJECT_ROOT, 'deploy');
const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');
const PORTS = { public: 4444, admin: 4445, grpc: 4446 };
/** core's Prometheus listener (serve.metrics.port's default). */
const CORE_METRICS_PORT = 4447;
const KNOWN_ENV = new Set(configEnvNames());

// --- a small Dockerfile reader: instructions per stage, continuation lines joined ----------------

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  name: string;
  base: string;
  instructions: Instruction[];
}

function readDockerfile(path: string): Stage[] {
  const lines = readFileSync(path, 'utf8').replace(/\\\n/g, ' ').split('\n');
  const stages: Stage[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [op = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (op.toUpperCase() === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      assert.ok(m, `FROM ${args}`);
      stages.push({ base: m[1] ?? '', name: m[2] ?? `stage${stages.length}`, instructions: [] });
    } else if (op.toUpperCase() !== 'ARG' || stages.length > 0) {
      stages.at(-1)?.instructions.push({ op: op.toUpperCase(), args });
    }
  }
  return stages;
}

/** An instruction's value, looked up through the stage's parents (USER, ENTRYPOINT, … inherit). */
function inherited(stages: Stage[], stage: Stage, op: string): string | undefined {
  const own = stage.instructions.filter((i) => i.op === op).at(-1);
  if (own) return own.args;
  const parent = stages.find((s) => s.name === stage.base);
  return parent ? inherited(stages, parent, op) : undefined;
}

/** `["node", "a"]` exec form → argv. */
const execForm = (args: string): string[] => JSON.parse(args.replace(/^CMD\s+/, '')) as string[];

/** `dist/x/y.js` must come from `x/y.ts` inside tsconfig.build.json's include, not excluded as a test. */
function assertBuiltFrom(distPath: string): void {
  const outDir = buildOutDir();
  assert.ok(distPath.startsWith(`${outDir}/`), `${distPath} is not under the build's outDir ${outDir}`);
  const source = distPath.slice(outDir.length + 1).replace(/\.js$/, '.ts');
  assert.ok(existsSync(join(PROJECT_ROOT, source)), `${distPath}: no source ${source}`);
  const build = JSON.parse(read('tsconfig.build.json')) as { include: string[] };
  assert.ok(build.include.some((inc) => source === inc || source.startsWith(`${inc}/`)), `${source} is not in tsconfig.build.json's include`);
  assert.ok(!source.endsWith('.test.ts'));
}

function buildOutDir(): string {
  const build = JSON.parse(read('tsconfig.build.json')) as { extends?: string; compilerOptions?: { outDir?: string } };
  const base = JSON.parse(read('tsconfig.json')) as { compilerOptions: { outDir: string } };
  return (build.compilerOptions?.outDir ?? base.compilerOptions.outDir).replace(/^\.\//, '');
}

const stages = readDockerfile(join(DEPLOY, 'Dockerfile'));
const stage = (name: string): Stage => {
  const found = stages.find((s) => s.name === name);
  assert.ok(found, `no stage ${name}`);
  return found;
};
const TARGETS = { core: 'core', gateway: 'gateway', migrator: 'migrator', 'login-consent': 'login-consent' } as const;

describe('deploy/Dockerfile', () => {
  test('every path the build context COPYs exists and is not in the .dockerignore', () => {
    const ignored = readFileSync(join(DEPLOY, 'Dockerfile.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const s of stages) {
      for (const i of s.instructions.filter((x) => x.op === 'COPY' && !x.args.includes('--from='))) {
        const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
        for (const source of parts.slice(0, -1)) {
          assert.ok(existsSync(join(PROJECT_ROOT, source)), `${s.name}: COPY ${source}: no such path`);
          assert.ok(!ignored.some((ig) => source === ig || source.startsWith(`${ig}/`)), `${s.name}: COPY ${source} is excluded by the .dockerignore`);
        }
      }
    }
  });

  test('the runtime copies the build output and the .proto files the core reads', () => {
    const copies = stage('runtime').instructions.filter((i) => i.op === 'COPY').map((i) => i.args);
    assert.ok(copies.includes(`--from=build /src/${buildOutDir()} ./${buildOutDir()}`), copies.join('\n'));
    assert.match(JSON.parse(read('package.json')).scripts.build as string, /tsconfig\.build\.json/);
    assert.ok(copies.some((c) => /^proto\/tessera \.\/proto\/tessera$/.test(c)));
    assert.ok(readdirSync(join(PROJECT_ROOT, 'proto', 'tessera', 'v1')).some((f) => f.endsWith('.proto')));
    assert.match(read('core-service/grpc/server.ts'), /'proto', 'tessera', 'v1'/);
    // package.json marks the project root at run time (paths.ts) and must be in the image.
    assert.ok(copies.some((c) => c.startsWith('package.json')));
    assert.ok(stage('runtime').instructions.some((i) => i.op === 'RUN' && i.args.includes('npm ci --omit=dev')));
    assert.match(stage('runtime').base, /node:20|NODE_IMAGE/);
    assert.ok(stages.some((s) => s.name === 'build' && s.instructions.some((i) => i.op === 'RUN' && i.args === 'npm run build')));
  });

  test('every target runs a program the build produces: the package.json bin entries', () => {
    const bin = (JSON.parse(read('package.json')) as { bin: Record<string, string> }).bin;
    const expected: Record<string, string | undefined> = {
      core: bin['core-service'],
      gateway: bin['http-gateway'],
      migrator: bin.migrator,
      'login-consent': 'dist/deploy/quickstart/login-consent-app.js',
    };
    for (const target of Object.values(TARGETS)) {
      const entrypoint = inherited(stages, stage(target), 'ENTRYPOINT');
      assert.ok(entrypoint, `${target} has no ENTRYPOINT`);
      const argv = execForm(entrypoint);
      assert.equal(argv[0], 'node');
      assert.equal(argv[1], expected[target], `${target} runs ${argv[1]}`);
      assertBuiltFrom(argv[1] ?? '');
    }
  });

  test('the migrator image runs `migrator sql up -e --yes` by default', () => {
    const cmd = execForm(inherited(stages, stage('migrator'), 'CMD') ?? '[]');
    assert.deepEqual(cmd, ['sql', 'up', '-e', '--yes']);
    const invocation = parseInvocation(cmd);
    assert.equal(invocation.help, false);
    assert.equal(invocation.action, 'up');
    assert.equal(invocation.yes, true);
    assert.equal(invocation.readFromEnv, true);
  });

  test('every final stage runs as a non-root user', () => {
    for (const target of Object.values(TARGETS)) {
      const user = inherited(stages, stage(target), 'USER');
      assert.ok(user, `${target} sets no USER`);
      assert.ok(!/^(root|0)(:|$)/.test(user), `${target} runs as ${user}`);
    }
  });

  test('HEALTHCHECKs run real programs against real endpoints', () => {
    const healthcheck = read('deploy/healthcheck.ts');
    for (const target of ['core', 'gateway'] as const) {
      const hc = inherited(stages, stage(target), 'HEALTHCHECK');
      assert.ok(hc, `${target} has no HEALTHCHECK`);
      const argv = execForm(hc.slice(hc.indexOf('CMD ')));
      assert.deepEqual(argv.slice(0, 3), ['node', 'dist/deploy/healthcheck.js', target]);
      assertBuiltFrom(argv[1] ?? '');
    }
    assert.match(healthcheck, /\/health\/ready/);
    assert.match(read('http-gateway/health.ts'), /app\.get\('\/health\/ready'/);
    assert.match(inherited(stages, stage('login-consent'), 'HEALTHCHECK') ?? '', /127\.0\.0\.1:3000\/health'/);
    assert.match(read('deploy/quickstart/login-consent-app.ts'), /case 'GET \/health':/);
    assert.equal(inherited(stages, stage('migrator'), 'HEALTHCHECK'), 'NONE');
  });

  test('each image EXPOSEs the ports its program uses', () => {
    assert.equal(inherited(stages, stage('core'), 'EXPOSE'), String(PORTS.grpc));
    assert.equal(inherited(stages, stage('gateway'), 'EXPOSE'), `${PORTS.public} ${PORTS.admin}`);
    const defaults = loadConfig({ env: {} }).serve;
    assert.deepEqual([defaults.public.port, defaults.admin.port, defaults.grpc.port], [PORTS.public, PORTS.admin, PORTS.grpc]);
  });
});

interface ComposeService {
  build?: { context: string; dockerfile: string; target: string };
  image?: string;
  environment?: Record<string, string>;
  command?: string[];
  ports?: string[];
  expose?: string[];
  depends_on?: Record<string, { condition: string }>;
}

describe('deploy/compose.yaml', () => {
  const compose = parseYaml(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  const services = compose.services;

  test('PostgreSQL, the migrator once, core after it, the gateway and the login/consent app', () => {
    assert.deepEqual(Object.keys(services).sort(), ['core', 'gateway', 'login-consent', 'migrator', 'postgres']);
    assert.equal(services.core?.depends_on?.migrator?.condition, 'service_completed_successfully');
    assert.equal(services.migrator?.depends_on?.postgres?.condition, 'service_healthy');
    assert.deepEqual(services.migrator?.command, ['sql', 'up', '-e', '--yes']);
    for (const name of ['migrator', 'core', 'gateway', 'login-consent']) {
      const build = services[name]?.build;
      assert.ok(build, `${name} is built`);
      assert.equal(join(DEPLOY, build.context), PROJECT_ROOT);
      assert.equal(build.dockerfile, 'deploy/Dockerfile');
      stage(build.target);
    }
  });

  test('Tessera services use environment names the config loader knows and the programs\' ports', () => {
    for (const name of ['migrator', 'core', 'gateway']) {
      for (const env of Object.keys(services[name]?.environment ?? {})) assert.ok(KNOWN_ENV.has(env), `${name}: unknown env ${env}`);
    }
    assert.deepEqual(services.gateway?.ports, [`127.0.0.1:${PORTS.public}:${PORTS.public}`, `127.0.0.1:${PORTS.admin}:${PORTS.admin}`]);
    assert.deepEqual(services.core?.expose, [String(PORTS.grpc)]);
    assert.equal(services.gateway?.environment?.SERVE_GRPC_HOST, 'core');
    assert.equal(services.gateway?.environment?.SERVE_GRPC_PORT, String(PORTS.grpc));
    assert.match(services['login-consent']?.environment?.TESSERA_ADMIN_URL ?? '', new RegExp(`^http://gateway:${PORTS.admin}$`));
  });

  test('core knows the gateway by its API key: the callers list parses and the gateway sends the key', () => {
    const hash = 'ab'.repeat(32);
    const callers = (services.core?.environment?.SERVE_GRPC_CALLERS ?? '').replace(/\$\{CORE_API_KEY_SHA256:\?[^}]*\}/, hash);
    const config = loadConfig({ env: { SERVE_GRPC_CALLERS: callers } });
    const policy = callerPolicy(config.serve.grpc, { dev: false, security: 'plaintext' });
    assert.equal(policy.mode, 'enforced');
    assert.deepEqual(config.serve.grpc.callers.map((c) => [c.name, c.apiKeySha256?.toString('hex'), c.services]), [['gateway', hash, ['*']]]);
    assert.match(services.gateway?.environment?.CORE_API_KEY ?? '', /^\$\{CORE_API_KEY:\?/);
  });

  test('the system secret is required from the environment and the admin listener is bound explicitly', () => {
    for (const name of ['core', 'gateway']) {
      assert.match(services[name]?.environment?.SECRETS_SYSTEM ?? '', /^\$\{SECRETS_SYSTEM:\?[^}]*openssl rand -hex 32[^}]*\}$/, name);
    }
    assert.equal(services.gateway?.environment?.SERVE_ADMIN_HOST, '0.0.0.0');
  });

  test('the flags in compose commands exist in the programs', () => {
    assert.deepEqual(services.core?.command?.[0], 'serve');
    for (const flag of services.core?.command?.filter((a) => a.startsWith('--')) ?? []) assert.ok(read('core-service/main.ts').includes(`'${flag.slice(2)}'`), flag);
    assert.deepEqual(services.gateway?.command?.slice(0, 2), ['serve', 'all']);
    for (const flag of services.gateway?.command?.filter((a) => a.startsWith('--')) ?? []) assert.ok(read('http-gateway/main.ts').includes(`'${flag.slice(2)}'`), flag);
  });
});

interface K8sObject {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
  envFrom?: { secretRef?: { name: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface Probe {
  httpGet?: { path: string; port: number; scheme?: string };
  exec?: { command: string[] };
  tcpSocket?: { port: number };
  grpc?: { port: number };
}
interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: Container[]; securityContext?: { runAsNonRoot?: boolean; runAsUser?: number } };
}

describe('deploy/kubernetes', () => {
  const dir = join(DEPLOY, 'kubernetes');
  const kustomization = parseYaml(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as {
    resources: string[];
    images: { name: string }[];
    secretGenerator?: { name: string; envs?: string[]; literals?: string[] }[];
  };
  const objects: K8sObject[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      assert.deepEqual(doc.errors, [], file);
      objects.push(doc.toJS() as K8sObject);
    }
  }
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const named = (kind: string, name: string): K8sObject => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    assert.ok(found, `${kind}/${name}`);
    return found;
  };
  const template = (o: K8sObject) => o.spec?.template as PodTemplate;
  const container = (o: K8sObject): Container => {
    const c = template(o).spec.containers[0];
    assert.ok(c);
    return c;
  };
  const core = named('Deployment', 'tessera-core');
  const gateway = named('Deployment', 'tessera-gateway');
  const job = named('Job', 'tessera-migrate');

  test('every manifest parses and kustomization lists each file', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
    assert.deepEqual([...kustomization.resources].sort(), files);
    for (const kind of ['Deployment', 'Job', 'Service', 'ConfigMap', 'PodDisruptionBudget']) assert.ok(byKind(kind).length > 0, kind);
  });

  test('images are the Dockerfile targets', () => {
    const images: Record<string, string> = { 'tessera-core': 'core', 'tessera-gateway': 'gateway', 'tessera-migrator': 'migrator' };
    for (const o of [core, gateway, job]) {
      const image = container(o).image;
      assert.ok(images[image], image);
      stage(images[image] ?? '');
      assert.ok(kustomization.images.some((i) => i.name === image));
    }
    assert.deepEqual(container(job).args, ['sql', 'up', '-e', '--yes']);
  });

  test('the ConfigMap is a configuration the loader accepts, with the programs\' ports', () => {
    const yamlText = named('ConfigMap', 'tessera-config').data?.['tessera.yaml'];
    assert.ok(yamlText);
    const tmp = mkdtempSync(join(tmpdir(), 'tessera-deploy-'));
    try {
      const file = join(tmp, 'tessera.yaml');
      writeFileSync(file, yamlText);
      const config = loadConfig({ file, env: {} });
      assert.deepEqual([config.serve.public.port, config.serve.admin.port, config.serve.grpc.port], [PORTS.public, PORTS.admin, PORTS.grpc]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('core knows the gateway by the certificate README.md tells operators to issue, and only by it', () => {
    const yamlText = named('ConfigMap', 'tessera-config').data?.['tessera.yaml'] ?? '';
    const tmp = mkdtempSync(join(tmpdir(), 'tessera-deploy-'));
    try {
      const file = join(tmp, 'tessera.yaml');
      writeFileSync(file, yamlText);
      const config = loadConfig({ file, env: {} });
      assert.equal(callerPolicy(config.serve.grpc, { dev: false, security: 'mutual-tls' }).mode, 'enforced');
      const gatewayCaller = config.serve.grpc.callers.find((c) => c.name === 'gateway');
      assert.ok(gatewayCaller?.certificateName);
      assert.equal(gatewayCaller.apiKeySha256, undefined);
      assert.match(read('README.md'), new RegExp(`^leaf ${gatewayCaller.certificateName} clientAuth`, 'm'));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('containers use environment names the config loader knows; no secret value is in the manifests', () => {
    // DSN and SECRETS_SYSTEM come from a Secret generated from a file the operator writes (or made by an operator).
    assert.deepEqual(byKind('Secret'), [], 'no Secret with values in the repository');
    const generated = kustomization.secretGenerator?.find((g) => g.name === 'tessera-secrets');
    assert.deepEqual(generated, { name: 'tessera-secrets', envs: ['tessera-secrets.env'] });
    assert.match(readFileSync(join(dir, '.gitignore'), 'utf8'), /^tessera-secrets\.env$/m, 'the generated Secret\'s file is never committed');
    assert.match(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'), /SECRETS_SYSTEM=%s.*\n.*openssl rand -hex 32/, 'kustomization.yaml says how to make it');
    for (const o of [core, gateway, job]) {
      for (const { name } of container(o).env ?? []) assert.ok(KNOWN_ENV.has(name), `${o.metadata.name}: unknown env ${name}`);
      for (const from of container(o).envFrom ?? []) assert.equal(from.secretRef?.name, 'tessera-secrets');
    }
  });

  test('the gateway binds its admin listener beyond loopback explicitly, behind the NetworkPolicy', () => {
    assert.equal(container(gateway).env?.find((e) => e.name === 'SERVE_ADMIN_HOST')?.value, '0.0.0.0');
    const policies = byKind('NetworkPolicy').map((p) => JSON.stringify(p.spec));
    assert.ok(policies.some((p) => p.includes(String(PORTS.admin)) && p.includes('tessera.io/admin-client')), 'a NetworkPolicy limits the admin port to labelled pods');
  });

  test('core binds 0.0.0.0 only with mutual TLS; the gateway dials it with a client certificate', () => {
    const env = (o: K8sObject) => new Set((container(o).env ?? []).map((e) => e.name));
    const coreEnv = env(core);
    for (const name of ['SERVE_GRPC_TLS_CERT_PATH', 'SERVE_GRPC_TLS_KEY_PATH', 'SERVE_GRPC_TLS_CLIENT_CA_PATH']) assert.ok(coreEnv.has(name), name);
    assert.ok(!(container(core).args ?? []).includes('--dangerous-allow-insecure-grpc'));
    const gatewayEnv = env(gateway);
    for (const name of ['CORE_TLS_CA_PATH', 'CORE_TLS_CERT_PATH', 'CORE_TLS_KEY_PATH', 'HTTPS_TLS_CERT_PATH']) assert.ok(gatewayEnv.has(name), name);
  });

  test('ports, Services and probes point at what the programs serve', () => {
    assert.deepEqual(container(core).ports?.map((p) => p.containerPort), [PORTS.grpc, CORE_METRICS_PORT]);
    assert.deepEqual(container(gateway).ports?.map((p) => p.containerPort), [PORTS.public, PORTS.admin]);

    const routes = read('http-gateway/health.ts');
    for (const probe of [container(gateway).readinessProbe, container(gateway).livenessProbe]) {
      assert.ok(probe?.httpGet, 'gateway probes are HTTP');
      assert.ok(routes.includes(`app.get('${probe.httpGet.path}'`), `no route ${probe.httpGet.path}`);
      assert.ok([PORTS.public, PORTS.admin].includes(probe.httpGet.port));
    }
    assert.deepEqual(
      [container(gateway).readinessProbe?.httpGet?.path, container(gateway).livenessProbe?.httpGet?.path],
      ['/health/ready', '/health/alive'],
    );
    const coreReady = container(core).readinessProbe?.exec?.command ?? [];
    assert.deepEqual(coreReady.slice(0, 3), ['node', 'dist/deploy/healthcheck.js', 'core']);
    assertBuiltFrom(coreReady[1] ?? '');
    assert.deepEqual(container(core).livenessProbe?.exec?.command.slice(0, 4), ['node', 'dist/deploy/healthcheck.js', 'core', '--liveness']);

    const deployments = [core, gateway];
    for (const service of byKind('Service')) {
      const selector = service.spec?.selector as Record<string, string>;
      const target = deployments.find((d) => Object.entries(selector).every(([k, v]) => template(d).metadata.labels[k] === v));
      assert.ok(target, `Service ${service.metadata.name} selects no Deployment`);
      for (const port of service.spec?.ports as { port: number; targetPort: string }[]) {
        assert.ok(container(target).ports?.some((p) => p.name === port.targetPort), `${service.metadata.name}: targetPort ${port.targetPort}`);
        assert.ok(Object.values(PORTS).includes(port.port));
      }
    }
    for (const pdb of byKind('PodDisruptionBudget')) {
      const selector = (pdb.spec?.selector as { matchLabels: Record<string, string> }).matchLabels;
      assert.ok(deployments.some((d) => Object.entries(selector).every(([k, v]) => template(d).metadata.labels[k] === v)), pdb.metadata.name);
    }
    assert.equal(byKind('PodDisruptionBudget').length, 2);
  });

  test('Prometheus can scrape core\'s metrics port and the gateway\'s admin metrics path, and only the monitoring namespace reaches core\'s', () => {
    assert.deepEqual(container(core).ports?.find((p) => p.name === 'metrics')?.containerPort, CORE_METRICS_PORT);
    const env = new Map((container(core).env ?? []).map((e) => [e.name, e.value]));
    assert.equal(env.get('SERVE_METRICS_HOST'), '0.0.0.0', 'the default 127.0.0.1 is unreachable from the scraper');
    assert.equal(env.get('SERVE_METRICS_PORT'), String(CORE_METRICS_PORT));
    assert.deepEqual(template(core).metadata.annotations, {
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(CORE_METRICS_PORT),
      'prometheus.io/path': '/metrics',
      'prometheus.io/scheme': 'http',
    });
    assert.ok(read('http-gateway/metrics.ts').includes(`METRICS_PATH = '${template(gateway).metadata.annotations?.['prometheus.io/path'] ?? ''}'`));
    assert.equal(template(gateway).metadata.annotations?.['prometheus.io/port'], String(PORTS.admin));
    assert.equal(template(gateway).metadata.annotations?.['prometheus.io/scheme'], 'https');

    type Rule = { from?: Record<string, unknown>[]; ports?: { port: number }[] };
    const rules = (named('NetworkPolicy', 'tessera-core').spec?.ingress ?? []) as Rule[];
    const metricsRules = rules.filter((r) => r.ports?.some((p) => p.port === CORE_METRICS_PORT));
    assert.equal(metricsRules.length, 1);
    assert.deepEqual(metricsRules[0]?.from, [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]);
    assert.ok(!rules.some((r) => r.ports === undefined || r.from === undefined), 'no rule opens every port or admits everyone');
  });

  test('every pod runs as non-root with resource requests and limits', () => {
    for (const o of [core, gateway, job]) {
      const spec = template(o).spec;
      assert.equal(spec.securityContext?.runAsNonRoot, true, o.metadata.name);
      assert.notEqual(spec.securityContext?.runAsUser, 0);
      const resources = container(o).resources;
      assert.ok(resources?.requests?.cpu && resources.requests.memory, `${o.metadata.name}: requests`);
      assert.ok(resources.limits?.memory, `${o.metadata.name}: memory limit`);
    }
  });

  test('the core readiness probe of deploy/kubernetes works over mutual TLS with core\'s own certificate', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tessera-probe-'));
    try {
      // As README.md tells operators: one CA, core's certificate for DNS:tessera-core with serverAuth and clientAuth.
      const ca = createTestCa(tmp, 'tessera-ca');
      const coreCert = ca.issue('tessera-core', { altNames: ['DNS:tessera-core'], usage: 'server and client' });
      const cluster = await startCluster({
        dsn: 'memory',
        env: {
          SERVE_GRPC_TLS_CERT_PATH: coreCert.certPath,
          SERVE_GRPC_TLS_KEY_PATH: coreCert.keyPath,
          SERVE_GRPC_TLS_CLIENT_CA_PATH: ca.certPath,
          CORE_TLS_CA_PATH: ca.certPath,
          CORE_TLS_CERT_PATH: coreCert.certPath,
          CORE_TLS_KEY_PATH: coreCert.keyPath,
          CORE_TLS_SERVER_NAME: 'tessera-core',
        },
      });
      try {
        const probeEnv = Object.fromEntries(
          (container(named('Deployment', 'tessera-core')).env ?? []).map((e) => [e.name, e.value ?? '']),
        );
        // The manifest's env with this test's files in place of the mounted Secret.
        const env: Record<string, string> = {};
        for (const [name, value] of Object.entries(probeEnv)) {
          env[name] = value.replace('/etc/tessera/tls/tls.crt', coreCert.certPath).replace('/etc/tessera/tls/tls.key', coreCert.keyPath).replace('/etc/tessera/tls/ca.crt', ca.certPath);
        }
        env.SERVE_GRPC_PORT = cluster.grpcAddress.slice(cluster.grpcAddress.lastIndexOf(':') + 1);
        const command = container(named('Deployment', 'tessera-core')).readinessProbe?.exec?.command ?? [];
        const program = runProgram('deploy/healthcheck.ts', command.slice(2).filter((a, i, all) => a !== '--config' && all[i - 1] !== '--config'), env);
        assert.equal(await program.exited(), 0, program.output());
      } finally {
        await cluster.close();
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

test('deploy/healthcheck.ts answers 0 for a ready core and gateway, 1 once core is gone', async () => {
  assert.ok(statSync(join(DEPLOY, 'healthcheck.ts')).isFile());
  const cluster = await startCluster({ dsn: 'memory' });
  const grpcPort = cluster.grpcAddress.slice(cluster.grpcAddress.lastIndexOf(':') + 1);
  const adminPort = new URL(cluster.adminUrl).port;
  const check = async (target: string) => {
    const program = runProgram('deploy/healthcheck.ts', [target], { SERVE_GRPC_PORT: grpcPort, SERVE_ADMIN_PORT: adminPort });
    return { code: await program.exited(), output: program.output() };
  };
  try {
    const [coreResult, gatewayResult] = await Promise.all([check('core'), check('gateway')]);
    assert.equal(coreResult.code, 0, coreResult.output);
    assert.equal(gatewayResult.code, 0, gatewayResult.output);
    await cluster.stopCore();
    const [coreDown, gatewayDown] = await Promise.all([check('core'), check('gateway')]);
    assert.equal(coreDown.code, 1, coreDown.output);
    assert.equal(gatewayDown.code, 1, gatewayDown.output);
  } finally {
    await cluster.close();
  }
});

// --- the manifests against their specifications ----------------------------------------------------

/** The Kubernetes API version whose schemas kubernetes-models 4.5.x carries (its CHANGELOG). */
const KUBERNETES_VERSION = '1.33.0';

interface KubernetesModel {
  validate(): void;
}
/** Validates one object with kubernetes-models' class for its apiVersion and kind; throws on error. */
async function validateKubernetesObject(object: { apiVersion?: string; kind?: string; metadata?: { name?: string } }): Promise<void> {
  const what = `${object.apiVersion ?? '?'} ${object.kind ?? '?'} ${object.metadata?.name ?? '?'}`;
  // kubernetes-models also carries APIs older releases served (extensions/v1beta1, …). Only GA
  // versions are used: Kubernetes' deprecation policy never removes those within v1.x, so what
  // is valid for this version stays valid for the next.
  if (!/^([a-z0-9.-]+\/)?v\d+$/.test(object.apiVersion ?? '')) throw new Error(`${what}: not a GA API version (alpha/beta APIs are removed in later releases)`);
  let module: Record<string, unknown>;
  try {
    module = (await import(`kubernetes-models/${object.apiVersion ?? ''}/${object.kind ?? ''}`)) as Record<string, unknown>;
  } catch {
    throw new Error(`${what}: not a kind of the Kubernetes ${KUBERNETES_VERSION} API`);
  }
  const Model = module[object.kind ?? ''] as (new (data: unknown) => KubernetesModel) | undefined;
  assert.ok(Model, `${what}: kubernetes-models has no class ${object.kind ?? ''}`);
  try {
    new Model(object).validate();
  } catch (err) {
    throw new Error(`${what} is not valid for Kubernetes ${KUBERNETES_VERSION}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const KUBERNETES_DIR = join(DEPLOY, 'kubernetes');
const manifestObjects = (): { file: string; object: { apiVersion?: string; kind?: string; metadata?: { name?: string; labels?: Record<string, string> }; spec?: unknown } }[] =>
  readdirSync(KUBERNETES_DIR)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort()
    .flatMap((file) => parseAllDocuments(readFileSync(join(KUBERNETES_DIR, file), 'utf8')).map((doc) => ({ file, object: doc.toJS() as { apiVersion?: string; kind?: string } })));

/** kubectl, whose `kustomize` is kustomize itself (the machines of this project have it). */
const kubectl = process.env.PATH?.split(delimiter).map((d) => join(d, 'kubectl')).find((p) => existsSync(p));

describe('deploy/kubernetes against the Kubernetes API schemas', () => {
  test(`every manifest is valid for Kubernetes ${KUBERNETES_VERSION} (kubernetes-models)`, async () => {
    const objects = manifestObjects();
    assert.ok(objects.length >= 10, `${objects.length} objects`);
    for (const { file, object } of objects) {
      await validateKubernetesObject(object).catch((err: unknown) => assert.fail(`${file}: ${err instanceof Error ? err.message : String(err)}`));
    }
  });

  test('the validator rejects what the API server would: a wrong type, a missing required field, a removed API', async () => {
    const deployment = manifestObjects().find((o) => o.object.kind === 'Deployment')?.object;
    assert.ok(deployment);
    const mutate = (change: (copy: Record<string, unknown>) => void) => {
      const copy = structuredClone(deployment) as Record<string, unknown>;
      change(copy);
      return copy;
    };
    const pod = (copy: Record<string, unknown>) => ((copy.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec);
    await assert.rejects(validateKubernetesObject(mutate((c) => (pod(c).containers[0] = { ...pod(c).containers[0], ports: [{ containerPort: 'grpc' }] }))), /containerPort must be integer/);
    await assert.rejects(validateKubernetesObject(mutate((c) => delete (c.spec as Record<string, unknown>).selector)), /selector/);
    await assert.rejects(validateKubernetesObject(mutate((c) => (c.apiVersion = 'extensions/v1beta1'))), /not a GA API version/);
    await assert.rejects(validateKubernetesObject(mutate((c) => (c.kind = 'Deploymnet'))), /not a kind of the Kubernetes/);
  });

  test('kustomize renders the kustomization (kubectl kustomize), every rendered object valid, images tagged and labelled', { skip: !kubectl && 'kubectl is not installed' }, async () => {
    // As an operator does: a copy of the folder with the Secret's file written as kustomization.yaml says.
    const tmp = mkdtempSync(join(tmpdir(), 'tessera-kustomize-'));
    let output: string;
    try {
      for (const file of readdirSync(KUBERNETES_DIR)) writeFileSync(join(tmp, file), readFileSync(join(KUBERNETES_DIR, file)));
      writeFileSync(join(tmp, 'tessera-secrets.env'), `DSN=postgres://tessera:pw@postgres:5432/tessera?sslmode=require\nSECRETS_SYSTEM=${'ab'.repeat(32)}\n`);
      output = execFileSync(kubectl ?? 'kubectl', ['kustomize', tmp], { encoding: 'utf8' });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    type Rendered = {
      apiVersion?: string;
      kind?: string;
      metadata?: { name?: string; labels?: Record<string, string> };
      stringData?: Record<string, string>;
      data?: Record<string, string>;
      spec?: { template?: { spec: { containers: { image: string; envFrom?: { secretRef?: { name: string } }[] }[] } } };
    };
    const rendered = parseAllDocuments(output).map((doc) => doc.toJS() as Rendered);
    // kustomize folds long base64 values over lines; the API server's base64 decoder (Go's) skips
    // the newlines, the schema's "byte" format does not.
    for (const object of rendered) if (object.data) for (const [k, v] of Object.entries(object.data)) object.data[k] = v.replace(/\s+/g, '');
    const secret = rendered.find((r) => r.kind === 'Secret' && r.metadata?.name?.startsWith('tessera-secrets'));
    assert.deepEqual(Object.keys(secret?.data ?? {}).sort(), ['DSN', 'SECRETS_SYSTEM'], 'the generated Secret holds DSN and SECRETS_SYSTEM');
    for (const object of rendered) {
      for (const container of object.spec?.template?.spec.containers ?? []) {
        for (const from of container.envFrom ?? []) assert.equal(from.secretRef?.name, secret?.metadata?.name, 'workloads read the generated Secret');
      }
    }
    const kustomization = parseYaml(readFileSync(join(KUBERNETES_DIR, 'kustomization.yaml'), 'utf8')) as { images?: { name: string; newName?: string; newTag?: string }[]; labels?: { pairs: Record<string, string> }[] };
    for (const object of rendered) await validateKubernetesObject(object);
    // Every object of the files is rendered (a generator may add more, e.g. a Secret with a hash suffix).
    for (const { object } of manifestObjects()) {
      assert.ok(rendered.some((r) => r.kind === object.kind && r.metadata?.name === object.metadata?.name), `${object.kind ?? ''}/${object.metadata?.name ?? ''} is not rendered`);
    }
    for (const object of rendered) {
      for (const pairs of kustomization.labels ?? []) for (const [k, v] of Object.entries(pairs.pairs)) assert.equal(object.metadata?.labels?.[k], v, `${object.kind ?? ''}/${object.metadata?.name ?? ''} lacks label ${k}`);
      for (const container of object.spec?.template?.spec.containers ?? []) {
        const rule = kustomization.images?.find((i) => container.image.startsWith(`${i.newName ?? i.name}:`));
        assert.ok(rule, `${container.image}: no images entry in kustomization.yaml`);
        assert.equal(container.image, `${rule.newName ?? rule.name}:${rule.newTag ?? ''}`);
      }
    }
  });
});

/** The Compose Specification's JSON schema, as dclint ships it (kept in step with compose-spec). */
function composeSchemaValidator() {
  const dclintDir = dirname(createRequire(import.meta.url).resolve('dclint/package.json'));
  const schema = JSON.parse(readFileSync(join(dclintDir, 'schemas', 'compose.schema.json'), 'utf8')) as { title?: string };
  assert.equal(schema.title, 'Compose Specification');
  // The schema names its meta-schema by an https URL ajv does not register; it is plain draft-07.
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false, allowUnionTypes: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

describe('deploy/compose.yaml against the Compose Specification and the images', () => {
  const text = readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8');
  const compose = parseYaml(text, { merge: true }) as { services: Record<string, ComposeService & { depends_on?: Record<string, { condition: string }>; healthcheck?: unknown }> };

  test('is valid against the Compose Specification JSON schema', () => {
    const validate = composeSchemaValidator();
    assert.ok(validate(parseYaml(text, { merge: true })), JSON.stringify(validate.errors, null, 2));
    // The validator is not vacuous: a misspelt key fails.
    const broken = parseYaml(text, { merge: true }) as { services: Record<string, Record<string, unknown>> };
    broken.services.core = { ...broken.services.core, comand: ['serve'] };
    assert.equal(validate(broken), false);
  });

  test('image names are tessera-<Dockerfile target>, and each service runs its target', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      if (!svc.build) continue;
      stage(svc.build.target);
      assert.equal(svc.image, `tessera-${svc.build.target}:dev`, name);
    }
  });

  test('published and exposed ports are the ones the images EXPOSE', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      if (!svc.build) continue;
      const exposed = (inherited(stages, stage(svc.build.target), 'EXPOSE') ?? '').split(/\s+/).filter(Boolean);
      const containerPorts = [...(svc.ports ?? []).map((p) => p.split(':').at(-1) ?? ''), ...(svc.expose ?? [])];
      for (const port of containerPorts) assert.ok(exposed.includes(port), `${name}: port ${port} is not EXPOSEd by --target ${svc.build.target} (${exposed.join(' ')})`);
    }
    const login = compose.services['login-consent'];
    assert.equal(login?.environment?.PORT, inherited(stages, stage('login-consent'), 'EXPOSE'));
  });

  test('the login app\'s environment is what the app reads; the migrator\'s what its command line and the loader read', () => {
    const appReads = new Set([...read('deploy/quickstart/login-consent-app.ts').matchAll(/process\.env\.([A-Z_]+)/g)].map((m) => m[1]));
    for (const env of Object.keys(compose.services['login-consent']?.environment ?? {})) assert.ok(appReads.has(env), `login-consent: the app does not read ${env}`);
    assert.ok(KNOWN_ENV.has('DSN'));
    assert.deepEqual(Object.keys(compose.services.migrator?.environment ?? {}), ['DSN']);
  });

  test('a service others wait for as healthy has a HEALTHCHECK in its image (or compose)', () => {
    for (const svc of Object.values(compose.services)) {
      for (const [dependency, { condition }] of Object.entries(svc.depends_on ?? {})) {
        if (condition !== 'service_healthy') continue;
        const target = compose.services[dependency];
        assert.ok(target, dependency);
        if (target.healthcheck || !target.build) continue;
        const hc = inherited(stages, stage(target.build.target), 'HEALTHCHECK');
        assert.ok(hc && hc !== 'NONE', `${dependency} is waited for as healthy but its image has no HEALTHCHECK`);
      }
    }
  });
});
