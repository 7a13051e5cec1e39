import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound, versionConflict } from '../../platform/errors/domain-error';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId } from '../../platform/graphql/relay';
import { Institution } from './institution.entity';
import { OrganisationalUnit } from './organisational-unit.entity';
import { InstitutionErrors } from './institution.errors';
import { institutionById } from './institution.loaders';
import type { UpdateHomeInstitutionInput } from './institution.inputs';

export const INSTITUTION_TYPE = 'Institution';

export async function requireHomeInstitution(em: EntityManager): Promise<Institution> {
  const home = await em.findOne(Institution, { isHome: true });
  if (!home) throw InstitutionErrors.homeInstitutionMissing();
  return home;
}

export function homeInstitution(ctx: RequestContext): Promise<Institution> {
  return requireHomeInstitution(ctx.em);
}

export function topLevelUnits(ctx: RequestContext, institution: Institution): Promise<OrganisationalUnit[]> {
  return ctx.em.find(OrganisationalUnit, { institution: institution.id, parent: null }, { orderBy: { code: 'asc' } });
}

export function getInstitution(ctx: RequestContext, id: string): Promise<Institution | null> {
  return ctx.loader(institutionById).load(id);
}

export async function updateHomeInstitution(ctx: RequestContext, input: UpdateHomeInstitutionInput): Promise<Institution> {
  const id = fromGlobalId(input.id, INSTITUTION_TYPE, 'input.id');
  return ctx.transaction(async (tx) => {
    const home = await tx.em.findOne(Institution, { id, isHome: true });
    if (!home) throw notFound(INSTITUTION_TYPE, input.id);
    if (home.version !== input.version) throw versionConflict(INSTITUTION_TYPE, input.version, home.version);
    if (input.name) {
      const name = { ...home.name, ...Object.fromEntries(Object.entries(input.name).filter(([, v]) => v)) };
      home.name = name;
    }
    for (const field of ['abbreviation', 'city', 'website', 'schacCode', 'erasmusCode'] as const) {
      if (input[field] !== undefined) home[field] = input[field] ?? undefined;
    }
    await tx.em.flush();
    tx.emit({ type: 'institution.updated', aggregateType: INSTITUTION_TYPE, aggregateId: home.id, aggregateVersion: home.version });
    return home;
  });
}
