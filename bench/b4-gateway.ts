import { BenchApp } from './lib/app';
import { row, type Bench, type BenchRow } from './lib/context';
import { CONNECTIONS, graphqlRound, grpcRound } from './lib/gateway';
import { ShipmentsClient } from './lib/grpc';
import { median, round, sleep } from './lib/stats';

export const b4Gateway: Bench = {
  id: 'B4',
  title: 'createShipment through the GraphQL gateway vs direct gRPC, requests per second',
  async run(ctx): Promise<BenchRow[]> {
    const seconds = ctx.quick ? 3 : 8;
    const app = await BenchApp.start();
    try {
      const { token } = await app.tenantToken();
      const client = new ShipmentsClient(app.grpcAddress, token);
      await graphqlRound(app, token, ctx.quick ? 1 : 2);
      await grpcRound(client, ctx.quick ? 1 : 2);
      const a: number[] = [];
      const b: number[] = [];
      for (let r = 0; r < ctx.rounds; r += 1) {
        // Alternate which goes first: the workflows a round starts keep the app busy for a while.
        if (r % 2 === 0) {
          a.push(await graphqlRound(app, token, seconds));
          await sleep(1000);
          b.push(await grpcRound(client, seconds));
        } else {
          b.push(await grpcRound(client, seconds));
          await sleep(1000);
          a.push(await graphqlRound(app, token, seconds));
        }
        ctx.log(`B4 round ${r + 1}: GraphQL ${a.at(-1)!.toFixed(0)}/s, gRPC ${b.at(-1)!.toFixed(0)}/s`);
        await sleep(1000);
      }
      client.close();
      return [
        row('B4', 'createShipment requests/s', round(median(a), 0), round(median(b), 0), 'A/B ≥ 0.6', (_a, _b, ratio) => ratio !== null && ratio >= 0.6, {
          variantA: 'full gateway: POST /graphql (JWT verification, scope and policy check, query limits, telemetry hooks, GraphQL execution), then the shipments module in process',
          variantB: 'direct gRPC CreateShipment to the shipments module (token verified there too), same app process',
          detail: `embedded defaults, ${CONNECTIONS} connections / callers in a closed loop for ${seconds} s per round (autocannon for GraphQL, grpc-js for gRPC), each request a new shipment; rounds A: ${a.map((v) => v.toFixed(0)).join(', ')}/s, B: ${b.map((v) => v.toFixed(0)).join(', ')}/s`,
        }),
      ];
    } finally {
      await app.close();
    }
  },
};
