import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchApp } from './lib/app';
import { ROOT } from './lib/env';
import { row, type Bench, type BenchRow } from './lib/context';
import { ShipmentsClient, uniqueKey } from './lib/grpc';
import { topCostsByThread } from './b1-grpc-latency';
import { eventually } from '../test/support/poll';
import { median, round } from './lib/stats';

const SHIPMENTS = 1000;

/**
 * Where the embedded database keeps its copy of a fresh initdb (one per PGlite version, written
 * by the first start after an install; see `pglite-worker.ts`). The warm-up start runs without
 * it, so the first start of a new install is measured too (reported in the notes).
 */
const INITDB_TEMPLATE_CACHE = join(ROOT, 'node_modules', '.cache', 'logisynapse');

/** Counts the tenant's shipments that left PENDING, paging ListShipments (100 a page). */
async function countCompleted(client: ShipmentsClient): Promise<number> {
  let count = 0;
  let after = '';
  for (;;) {
    const page = await client.call<{ shipments: unknown[]; hasNextPage: boolean; endCursor: string }>('ListShipments', { first: 100, after, status: 'LABEL_CREATED' });
    count += page.shipments.length;
    if (!page.hasNextPage) return count;
    after = page.endCursor;
  }
}

export const b6Startup: Bench = {
  id: 'B6',
  title: 'start-up to ready on an empty data directory, and RSS after 1,000 shipments (embedded)',
  async run(ctx): Promise<BenchRow[]> {
    const readies: number[] = [];
    // Warm-up: one start (file system cache), not counted (the quick run relies on the earlier
    // benchmarks' starts). It is also the first start of an install: no initdb template yet.
    let firstStartMs: number | null = null;
    if (!ctx.quick) {
      rmSync(INITDB_TEMPLATE_CACHE, { recursive: true, force: true });
      const first = await BenchApp.start();
      firstStartMs = first.readyMs;
      ctx.log(`B6 first start (no initdb template cached): ready in ${Math.round(firstStartMs)} ms`);
      await first.close();
    }
    for (let r = 0; r < ctx.rounds; r += 1) {
      const app = await BenchApp.start();
      readies.push(app.readyMs);
      ctx.log(`B6 round ${r + 1}: ready in ${Math.round(app.readyMs)} ms`);
      await app.close();
    }
    const readyS = round(median(readies) / 1000, 2);

    let profile: string[] = [];
    if (!ctx.quick && readyS > 5) {
      const dir = mkdtempSync(join(tmpdir(), 'logisynapse-bench-prof-'));
      const app = await BenchApp.start({ nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
      await app.close();
      profile = topCostsByThread(dir);
      rmSync(dir, { recursive: true, force: true });
      ctx.log(`B6 start-up profile (self time by package): ${profile.join('; ')}`);
    }

    const app = await BenchApp.start();
    let rss: number;
    const rssAtReady = round(app.rssMb(), 0);
    let breakdown: string;
    try {
      const { token } = await app.tenantToken();
      const client = new ShipmentsClient(app.grpcAddress, token);
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < SHIPMENTS) {
            next += 1;
            await client.createShipment(uniqueKey('b6'));
          }
        }),
      );
      await eventually('1,000 shipments to be LABEL_CREATED', async () => ((await countCompleted(client)) >= SHIPMENTS ? true : undefined), {
        timeoutMs: 600_000,
        intervalMs: 1000,
      });
      client.close();
      rss = round(app.rssMb(), 0);
      breakdown = app.memoryBreakdown();
      ctx.log(`B6: RSS after ${SHIPMENTS} shipments ${rss} MB`);
    } finally {
      await app.close();
    }
    const common = { variantB: '— (no second variant)' };
    return [
      row('B6', 'ready s (npm start, empty data dir)', readyS, null, 'ready ≤ 5 s', (a) => a <= 5, {
        variantA: 'embedded defaults: `node dist/src/main.js` on a new empty LOGISYNAPSE_DATA_DIR, spawn to first 200 of /health/ready',
        ...common,
        detail: `${firstStartMs === null ? '' : `first start of an install (no initdb template cached yet: runs initdb and keeps a copy), not counted: ${Math.round(firstStartMs)} ms; `}rounds (ms): ${readies.map((v) => Math.round(v)).join(', ')}${profile.length ? `; --cpu-prof of a start, self time by package: ${profile.join('; ')}` : ''}`,
      }),
      row('B6', 'RSS MB after 1,000 shipments', rss, null, 'RSS ≤ 400 MB', (a) => a <= 400, {
        variantA: 'embedded defaults: 1,000 shipments created over gRPC (16 in flight), all LABEL_CREATED, then VmRSS of the app process',
        ...common,
        detail: `one measurement (not a median): the figure is a level, not a rate; RSS right after ready ${rssAtReady} MB; after the shipments ${breakdown}`,
      }),
    ];
  },
};
