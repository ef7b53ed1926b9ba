// B4's measuring, shared by B4 (GraphQL gateway vs direct gRPC) and B7 (telemetry on vs off):
// createShipment in a closed loop, successful requests per second.
import autocannon from 'autocannon';
import type { BenchApp } from './app';
import { shipmentRequest, type ShipmentsClient, uniqueKey } from './grpc';
import { closedLoop } from './load';

/** Connections (GraphQL) or concurrent callers (gRPC) of a round. */
export const CONNECTIONS = 16;
const MUTATION = 'mutation($i: CreateShipmentInput!) { createShipment(input: $i) { id status workflowId } }';

/** createShipment through the GraphQL gateway, autocannon, `CONNECTIONS` connections; successful requests per second. */
export async function graphqlRound(app: BenchApp, token: string, seconds: number): Promise<number> {
  let ok = 0;
  let failed = 0;
  const result = await autocannon({
    url: `${app.baseUrl}/graphql`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ query: MUTATION, variables: { i: shipmentRequest(uniqueKey('b4g')) } }) }),
        onResponse: (status, body) => {
          if (status === 200 && !body.includes('"errors"')) ok += 1;
          else failed += 1;
        },
      },
    ],
  });
  if (failed > ok / 100) throw new Error(`${failed} GraphQL createShipment calls failed (${ok} ok)`);
  return ok / result.duration;
}

/** The same call straight to the shipments module over gRPC, `CONNECTIONS` callers on one client. */
export async function grpcRound(client: ShipmentsClient, seconds: number): Promise<number> {
  const { completed, errors, seconds: took } = await closedLoop(CONNECTIONS, seconds * 1000, () => client.createShipment(uniqueKey('b4r')));
  if (errors > completed / 100) throw new Error(`${errors} gRPC CreateShipment calls failed (${completed} ok)`);
  return completed / took;
}
