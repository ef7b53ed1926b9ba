export { GatewayModule, GRAPHQL_PATH } from './gateway.module';
