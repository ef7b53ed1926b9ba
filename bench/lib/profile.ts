import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Self time of a V8 .cpuprofile (`--cpu-prof`) grouped by npm package or our file, largest first, as "name N ms". */
export function topCosts(profileDir: string, limit = 8): string[] {
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return [];
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
    startTime: number;
    endTime: number;
    samples: number[];
  };
  const msPerSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const byFrame = new Map<string, number>();
  // Self time grouped by package (node_modules/<name>) or our file: what a start-up spends on.
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const url = node.callFrame.url.replace(/^file:\/\//, '');
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    const key = pkg ? `npm:${pkg}` : url ? url.replace(/.*\/dist\//, 'dist/') : `(${node.callFrame.functionName || 'program'})`;
    byFrame.set(key, (byFrame.get(key) ?? 0) + hits * msPerSample);
  }
  return [...byFrame.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([k, ms]) => `${k} ${Math.round(ms)} ms`);
}


/**
 * The main thread's busy time in a window of a `.cpuprofile` (`fromUs`..`toUs`, the profile's own
 * clock: microseconds of the monotonic clock, which `process.hrtime.bigint() / 1000n` reads in any
 * process of the machine), each sample charged to the nearest npm package or file of ours on its
 * stack (Node's internals and native calls to whoever called them), in ms per `requests`, largest
 * first. How ADR 0045 found telemetry's share of B4's requests.
 */
export function windowCosts(profileFile: string, fromUs: number, toUs: number, requests: number, limit = 20): { busyMsPerRequest: number; costs: string[] } {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
    startTime: number;
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const owner = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)!.callFrame.url;
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
      if (pkg) return `npm:${pkg}`;
      if (url.includes('/dist/')) return url.replace(/.*\/dist\//, 'dist/');
    }
    return `(${byId.get(id)!.callFrame.functionName || 'program'})`;
  };
  const byOwner = new Map<string, number>();
  let busyUs = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i += 1) {
    at += profile.timeDeltas[i]!;
    const us = profile.timeDeltas[i + 1] ?? 0;
    const id = profile.samples[i]!;
    if (at < fromUs || at > toUs || byId.get(id)!.callFrame.functionName === '(idle)') continue;
    busyUs += us;
    const key = owner(id);
    byOwner.set(key, (byOwner.get(key) ?? 0) + us);
  }
  const perRequest = (us: number) => us / 1000 / Math.max(1, requests);
  const costs = [...byOwner.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([k, us]) => `${k} ${perRequest(us).toFixed(2)} ms`);
  return { busyMsPerRequest: perRequest(busyUs), costs };
}
