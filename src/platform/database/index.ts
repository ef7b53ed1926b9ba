export * from './database.types';
export { DatabaseModule } from './database.module';
