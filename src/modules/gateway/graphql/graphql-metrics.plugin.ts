import type { ApolloDriverConfig } from '@nestjs/apollo';
import { boundedAttributes, platformMetrics, secondsSince } from '../../../platform/telemetry/instruments';

/** Apollo's plugin type as the Nest driver resolves it (the CommonJS build's). */
type ApolloServerPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

/**
 * Records each GraphQL request's duration by operation type and outcome
 * (`logisynapse.graphql.request.duration`). Never by the operation name nor the query text: both
 * are the client's to choose, so they would make a series per client whim. A request refused
 * before execution (parse, validation, limits) has no operation type and counts as `other`.
 */
export function graphqlMetricsPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const startedAt = performance.now();
      let operationType = 'other';
      return {
        async didResolveOperation({ operation }) {
          if (operation) operationType = operation.operation;
        },
        async willSendResponse({ response, errors }) {
          const failed = (errors?.length ?? 0) > 0 || (response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0);
          platformMetrics().graphqlRequestDuration.record(
            secondsSince(startedAt),
            boundedAttributes({ 'graphql.operation.type': operationType, outcome: failed ? 'error' : 'ok' }),
          );
        },
      };
    },
  };
}
