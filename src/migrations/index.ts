import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261128105113 } from './Migration20261128105113_foundation';
import { Migration20261128113236 } from './Migration20261128113236_directory_agreements';
import { Migration20261128125903 } from './Migration20261128125903_content';
import { Migration20261128133941 } from './Migration20261128133941_search';
import { Migration20261128160129 } from './Migration20261128160129_mobility';
import { Migration20261201233219 } from './Migration20261201233219_mobility_part2';
import { Migration20261207171959 } from './Migration20261207171959_incoming';
import { Migration20261207172513 } from './Migration20261207172513_admissions';
import { Migration20261207175947 } from './Migration20261207175947_research';
import { Migration20261207180229 } from './Migration20261207180229_projects';

/** Every migration, in order. `npm run migration:create` writes a new file; add it here. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261128105113_foundation', class: Migration20261128105113 },
  { name: 'Migration20261128113236_directory_agreements', class: Migration20261128113236 },
  { name: 'Migration20261128125903_content', class: Migration20261128125903 },
  { name: 'Migration20261128133941_search', class: Migration20261128133941 },
  { name: 'Migration20261128160129_mobility', class: Migration20261128160129 },
  { name: 'Migration20261201233219_mobility_part2', class: Migration20261201233219 },
  { name: 'Migration20261207171959_incoming', class: Migration20261207171959 },
  { name: 'Migration20261207172513_admissions', class: Migration20261207172513 },
  { name: 'Migration20261207175947_research', class: Migration20261207175947 },
  { name: 'Migration20261207180229_projects', class: Migration20261207180229 },
];
