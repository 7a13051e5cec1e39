import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261128105113 } from './Migration20261128105113_foundation';

/** Every migration, in order. `npm run migration:create` writes a new file; add it here. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261128105113_foundation', class: Migration20261128105113 },
];
