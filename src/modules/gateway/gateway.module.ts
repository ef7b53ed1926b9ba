import type { ApolloDriverConfig } from '@nestjs/apollo';
import { Inject, Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { AuthAdminClientModule } from '../auth';
import { AuthorizationClientModule } from '../authorization';
import { CommunicationsClientModule } from '../communications';
import { ShipmentsClientModule } from '../shipments';
import { TenancyModule } from '../tenancy';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config';
import { GRAPHQL_PATH, graphqlOptions } from './graphql/graphql-options';
import { ShipmentsResolver } from './graphql/shipments.resolver';
import { SigningKeysResolver } from './graphql/signing-keys.resolver';
import { TenantsResolver } from './graphql/tenants.resolver';
import { AuthenticationMiddleware } from './http/authentication.middleware';
import { graphiqlMiddleware } from './http/graphiql.middleware';

export { GRAPHQL_PATH };

/**
 * The public GraphQL API. Shipment operations go to the shipments module through its
 * `SHIPMENTS_API` port and a shipment's notifications to the communications module through
 * `NOTIFICATIONS_API`: in-process when this process hosts the module, over gRPC otherwise
 * (ShipmentsClientModule and CommunicationsClientModule decide from the config), and so do the
 * policy (AUTHORIZATION_API) and the auth module's administration (AUTH_ADMIN_API). Tokens are
 * verified by the process's ACCESS_TOKEN_VERIFIER: the auth module's keys, in-process or from its
 * JWKS (ADR 0044).
 */
@Module({
  imports: [TenancyModule],
  providers: [ShipmentsResolver, TenantsResolver, SigningKeysResolver],
})
export class GatewayModule implements NestModule {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>(graphqlOptions(config)),
        AuthAdminClientModule.forRoot(config),
        AuthorizationClientModule.forRoot(config),
        ShipmentsClientModule.forRoot(config),
        CommunicationsClientModule.forRoot(config),
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // In production the playground is served only when asked for (GRAPHQL_PLAYGROUND, ADR 0022).
    const playground = this.config.graphql.playground ? [graphiqlMiddleware(GRAPHQL_PATH)] : [];
    consumer.apply(...playground, AuthenticationMiddleware).forRoutes({ path: 'graphql', method: RequestMethod.ALL });
  }
}
