import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { AuthModule } from '../auth';
import { AuthorizationModule } from '../authorization';
import { CommunicationsClientModule } from '../communications';
import { ShipmentsClientModule } from '../shipments';
import { TenancyModule } from '../tenancy';
import type { AppConfig } from '../../platform/config/app-config';
import { formatGraphqlError } from '../../platform/errors/graphql-errors';
import { queryLimitsRule } from './graphql/query-limits';
import { ShipmentsResolver } from './graphql/shipments.resolver';
import { SigningKeysResolver } from './graphql/signing-keys.resolver';
import { storableTextPlugin } from './graphql/storable-text.plugin';
import { TenantsResolver } from './graphql/tenants.resolver';
import { AuthenticationMiddleware } from './http/authentication.middleware';
import { graphiqlMiddleware } from './http/graphiql.middleware';

export const GRAPHQL_PATH = '/graphql';

/**
 * The public GraphQL API. Shipment operations go to the shipments module through its
 * `SHIPMENTS_API` port and a shipment's notifications to the communications module through
 * `NOTIFICATIONS_API`: in-process when this process hosts the module, over gRPC otherwise
 * (ShipmentsClientModule and CommunicationsClientModule decide from the config).
 */
@Module({
  imports: [
    AuthModule,
    AuthorizationModule,
    TenancyModule,
    GraphQLModule.forRoot<ApolloDriverConfig>({
      driver: ApolloDriver,
      path: GRAPHQL_PATH,
      autoSchemaFile: true,
      sortSchema: true,
      graphiql: false,
      introspection: true,
      includeStacktraceInErrorResponses: false,
      formatError: formatGraphqlError,
      // Refused before execution: too deep, too many aliases or fields. Batched HTTP requests stay off.
      validationRules: [queryLimitsRule()],
      allowBatchedHttpRequests: false,
      // Text PostgreSQL cannot hold is refused in every argument before execution (ADR 0030).
      plugins: [storableTextPlugin()],
      context: ({ req }: { req: unknown }) => ({ req }),
    }),
  ],
  providers: [ShipmentsResolver, TenantsResolver, SigningKeysResolver],
})
export class GatewayModule implements NestModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: GatewayModule, imports: [ShipmentsClientModule.forRoot(config), CommunicationsClientModule.forRoot(config)] };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(graphiqlMiddleware(GRAPHQL_PATH), AuthenticationMiddleware).forRoutes({ path: 'graphql', method: RequestMethod.ALL });
  }
}
