import { InitialSchema1732420000000 } from './1732420000000-initial-schema';

/** Every migration, in order. Listed explicitly so the bundle and the tests need no glob. */
export const MIGRATIONS = [InitialSchema1732420000000];
