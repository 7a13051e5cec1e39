import type { EntityManager } from '@mikro-orm/postgresql';
import { Institution, type LocalisedTextData } from './institution.entity';
import { OrganisationalUnit, UnitKind } from './organisational-unit.entity';

interface UnitSeed {
  code: string;
  kind: keyof typeof UnitKind;
  name: LocalisedTextData;
  email?: string;
  website?: string;
  internalNote?: string;
  children?: UnitSeed[];
}

export interface HomeInstitutionSeed {
  institution: Pick<Institution, 'name' | 'officialName' | 'abbreviation' | 'country' | 'city' | 'website' | 'schacCode' | 'erasmusCode'>;
  units: UnitSeed[];
}

/** Creates the home institution and its unit tree; returns unit ids by code (other seeds refer to units by code). */
export function seedHomeInstitution(em: EntityManager, seed: HomeInstitutionSeed): Map<string, string> {
  const home = em.create(Institution, { ...seed.institution, isHome: true } as never);
  const ids = new Map<string, string>();
  const add = (unit: UnitSeed, parent?: OrganisationalUnit) => {
    const row = em.create(OrganisationalUnit, {
      institution: home,
      parent,
      kind: UnitKind[unit.kind],
      code: unit.code,
      name: unit.name,
      email: unit.email,
      website: unit.website,
      internalNote: unit.internalNote,
    } as never);
    ids.set(unit.code, row.id);
    for (const child of unit.children ?? []) add(child, row);
  };
  for (const unit of seed.units) add(unit);
  return ids;
}
