/**
 * Prints the top self-time functions of a V8 .cpuprofile (as written with BENCH_CPU_PROF), and
 * the share of idle, GC and program time, to find what limits a benchmark scenario.
 *
 * `lastSeconds` keeps only the samples of the profile's final seconds: the load window, without
 * the start-up's module loading (the programs exit right after the load).
 *
 * @example npx tsx test/bench/profile-top.ts /tmp/prof/core-service-1234.cpuprofile 25 11
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, countText, lastSecondsText] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: profile-top.ts <file.cpuprofile> [count] [lastSeconds]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

// Self time per node: each sample's delta is charged to the node it landed in.
const selfUs = new Map<number, number>();
const fromUs = lastSecondsText === undefined ? -Infinity : profile.endTime - Number(lastSecondsText) * 1e6;
let at = profile.startTime;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  at += delta;
  if (at >= fromUs) selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
});

const shortUrl = (url: string) => url.replace(/^file:\/\/.*?\/node_modules\//, '').replace(/^file:\/\/.*?\/main\//, '');
const label = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url ? `${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : ''}`.trim();

const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const byLabel = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (!node) continue;
  byLabel.set(label(node), (byLabel.get(label(node)) ?? 0) + us);
  const url = shortUrl(node.callFrame.url);
  const pkg = url === '' ? node.callFrame.functionName : url.startsWith('node:') ? url : url.startsWith('@') ? url.split('/').slice(0, 2).join('/') : url.split('/')[0] ?? url;
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
}

const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
console.log('\nby package / program (self):');
for (const [name, us] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${pct(us)}  ${name}`);
console.log('\ntop functions (self):');
for (const [name, us] of [...byLabel].sort((a, b) => b[1] - a[1]).slice(0, Number(countText ?? 30))) console.log(`${pct(us)}  ${name}`);
