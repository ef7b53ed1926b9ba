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

