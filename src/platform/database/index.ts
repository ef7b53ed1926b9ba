export * from './database.types';
export { DatabaseModule } from './database.module';
export { permanentSqlState } from './sql-errors';
