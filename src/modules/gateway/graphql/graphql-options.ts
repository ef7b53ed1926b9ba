import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { AppConfig } from '../../../platform/config/app-config';
import { formatGraphqlError, withoutSuggestions } from '../../../platform/errors/graphql-errors';
import { graphqlMetricsPlugin } from './graphql-metrics.plugin';
import { storableTextPlugin } from './storable-text.plugin';
import { DEFAULT_QUERY_LIMITS, queryLimitsRule, type QueryLimits } from './query-limits';

export const GRAPHQL_PATH = '/graphql';

/**
 * The Apollo server behind `/graphql`. Everything a request can cost is bounded before execution:
 * the parser stops at `maxTokens`, then the limits rule refuses depth, width, aliases, directives,
 * fragments and subscriptions (ADR 0022). Batched HTTP requests stay off.
 */
export function graphqlOptions(config: Pick<AppConfig, 'graphql'>, limits: QueryLimits = DEFAULT_QUERY_LIMITS): ApolloDriverConfig {
  const { introspection } = config.graphql;
  return {
    driver: ApolloDriver,
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    // Served by graphiqlMiddleware when config.graphql.playground is on; Apollo's landing page stays off.
    graphiql: false,
    introspection,
    // Without introspection, "Did you mean ...?" would spell the schema out one guess at a time.
    hideSchemaDetailsFromClientErrors: !introspection,
    includeStacktraceInErrorResponses: false,
    formatError: introspection ? formatGraphqlError : withoutSuggestions(formatGraphqlError),
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: [queryLimitsRule(limits)],
    allowBatchedHttpRequests: false,
    // Metrics first, so refused requests are measured too; text PostgreSQL cannot hold is
    // refused in every argument before execution (ADR 0030).
    plugins: [graphqlMetricsPlugin(), storableTextPlugin()],
    context: ({ req }: { req: unknown }) => ({ req }),
  };
}
