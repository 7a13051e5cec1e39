import type { EntityManager } from '@mikro-orm/postgresql';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NonEmptyArray } from 'type-graphql';
import { registerNodeType } from '../platform/graphql/node';
import { seedAccounts, type UserSeed } from './accounts/account.seed';
import { UserAccount } from './accounts/user-account.entity';
import { ViewerResolver } from './accounts/viewer.resolver';
import { Agreement, AgreementPartner, AgreementRevision, CooperationCondition } from './agreements/agreement.entity';
import {
  AgreementPartyResolver,
  AgreementResolver,
  AgreementRevisionResolver,
  CooperationConditionResolver,
} from './agreements/agreement.resolver';
import { AGREEMENT_TYPE, expireEndedAgreements, getAgreement } from './agreements/agreement.service';
import type { JobRunner } from '../platform/jobs/job-runner';
import { EwpAgreementResolver } from './agreements/ewp/ewp.resolver';
import { seedAgreements, type AgreementSeed } from './agreements/agreement.seed';
import { PartnerResolver } from './agreements/partner.resolver';
import { ContactPerson } from './institutions/contact-person.entity';
import { Institution } from './institutions/institution.entity';
import { AssociationMembership, MembershipCorrespondence } from './memberships/membership.entity';
import { contentEntities, contentResolvers, mountContentRoutes, registerContentJobs } from './content/content.module';
import { registerPublicQueryField } from '../platform/http/cache-control';
import type { MountRoutes } from '../platform/http/routes';
import type { Config } from '../config/config';
import type { Logger } from '../platform/logging/logger';
import { seedContent, type ContentSeed } from './content/content.seed';
import { registerSearch, searchEntities, searchResolvers } from './search/search.module';
import { mobilityEntities, mobilityResolvers, mountMobilityRoutes, registerMobilityJobs } from './mobility/mobility.module';
import { incomingEntities, incomingResolvers, registerIncomingJobs } from './incoming/incoming.module';
import { seedIncomingIntakeDemo } from './incoming/intake-demo.seed';
import { seedIncomingReceptionDemo } from './incoming/reception-demo.seed';
import { admissionEntities, admissionResolvers, registerAdmissionJobs, seedAdmissionsDemo } from './admissions/admissions.module';
import { projectEntities, projectResolvers, registerProjectJobs, seedProjectsDemo } from './projects/projects.module';
import { registerResearchJobs, researchEntities, researchResolvers, seedResearchDemo } from './research/research.module';
import { seedContexts, seedMobilityDemo, type MobilityDemoSeed } from './mobility/mobility-demo.seed';
import { importHomeCourseFile } from './mobility/course-import';
import { seedGrantRates } from './mobility/grant-demo.seed';
import { seedMobilityLifecycleDemo, type MobilityLifecycleSeed } from './mobility/mobility-lifecycle-demo.seed';
import type { MikroORM } from '@mikro-orm/postgresql';
import { AssociationMembershipResolver, MembershipCorrespondenceResolver } from './memberships/membership.resolver';
import { getMembership, MEMBERSHIP_TYPE } from './memberships/membership.service';
import { ContactPersonResolver, InstitutionResolver } from './institutions/institution.resolver';
import { importPartners, parseImportText } from './institutions/institution-import.service';
import { seedHomeInstitution, type HomeInstitutionSeed } from './institutions/institution.seed';
import { getInstitution, INSTITUTION_TYPE } from './institutions/institution.service';
import { OrganisationalUnit } from './institutions/organisational-unit.entity';
import { OrganisationalUnitResolver } from './institutions/organisational-unit.resolver';
import { getUnit, UNIT_TYPE } from './institutions/organisational-unit.service';

/** Every feature module's entities and resolvers; the platform knows modules only through this list. */
export const moduleEntities = [
  Institution,
  OrganisationalUnit,
  ContactPerson,
  UserAccount,
  Agreement,
  AgreementPartner,
  CooperationCondition,
  AgreementRevision,
  AssociationMembership,
  MembershipCorrespondence,
  ...contentEntities,
  ...searchEntities,
  ...mobilityEntities,
  ...incomingEntities,
  ...admissionEntities,
  ...projectEntities,
  ...researchEntities,
];

export const moduleResolvers: NonEmptyArray<Function> = [
  AgreementResolver,
  AgreementPartyResolver,
  AgreementRevisionResolver,
  CooperationConditionResolver,
  PartnerResolver,
  EwpAgreementResolver,
  InstitutionResolver,
  ContactPersonResolver,
  OrganisationalUnitResolver,
  ViewerResolver,
  AssociationMembershipResolver, MembershipCorrespondenceResolver,
  ...(contentResolvers as NonEmptyArray<Function>),
  ...searchResolvers,
  ...mobilityResolvers,
  ...incomingResolvers,
  ...admissionResolvers,
  ...projectResolvers,
  ...researchResolvers,
];

/** The modules' plain HTTP routes: feeds, media files and National Agency report downloads. */
export const mountModuleRoutes: MountRoutes = (app, routes) => {
  mountContentRoutes(app, routes);
  mountMobilityRoutes(app, routes);
};

// Public directory fields: an anonymous visitor's answer is the same for everyone, so it may be cached publicly.
registerPublicQueryField('homeInstitution', 'institution', 'organisationalUnits', 'organisationalUnit', 'partners', 'partner', 'partnerFacets');

registerNodeType(INSTITUTION_TYPE, (ctx, id) => getInstitution(ctx, id));
registerNodeType(UNIT_TYPE, (ctx, id) => getUnit(ctx, id, true));
// Agreements are not public: node(id) answers null unless the viewer may read them.
registerNodeType(AGREEMENT_TYPE, (ctx, id) => getAgreement(ctx, id));
// Memberships are office data: node(id) answers null for anyone else.
registerNodeType(MEMBERSHIP_TYPE, (ctx, id) => getMembership(ctx, id));

/** Background work the modules schedule on the hub's job runner (search also sets up its engines here). */
export function registerModuleJobs(jobs: JobRunner, hub: { config: Config; orm: MikroORM; log: Logger }): void {
  // Agreements in effect whose last academic year has ended become EXPIRED (checked every six hours).
  jobs.schedule('agreements.expire', 6 * 3600_000, async (_payload, job) => {
    const expired = await expireEndedAgreements(job.em);
    if (expired) job.log.info({ expired }, 'agreements expired');
  });
  registerContentJobs(jobs);
  registerMobilityJobs(jobs);
  registerIncomingJobs(jobs);
  registerAdmissionJobs(jobs);
  registerProjectJobs(jobs);
  registerResearchJobs(jobs);
  registerSearch(jobs, hub);
}

export const SEEDS_DIR = path.resolve(__dirname, '../../seeds');

/** The demo data set, loaded into an empty database in one transaction. */
export async function seedDemo(em: EntityManager, config: Config, log: Logger, dir = path.join(SEEDS_DIR, 'demo')): Promise<void> {
  const read = <T>(file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as T;
  await em.transactional(async (tx) => {
    const unitIds = seedHomeInstitution(tx as EntityManager, read<HomeInstitutionSeed>('home-institution.json'));
    seedAccounts(tx as EntityManager, read<{ users: UserSeed[] }>('users.json').users, unitIds);
  });
  // Partner universities: about 300 real ECHE holders (seeds/reference), through the directory import.
  await importPartners(em, parseImportText(readFileSync(path.join(dir, 'partner-institutions.json'), 'utf8')));
  // Agreements with most of them: IIAs, bilateral agreements, MoUs and (suspended, so expired) Farabi protocols.
  await em.fork().transactional((tx) => seedAgreements(tx as EntityManager, read<{ agreements: AgreementSeed[] }>('agreements.json').agreements));
  // Website content in both languages: a call, an info day, a conference, pages, forms with versions, a brochure.
  await seedContent(em.fork(), config, log, read<ContentSeed>('content.json'), path.join(dir, 'files'));
  // Outgoing mobility: calls in every phase, with applications taken through the services to the states a demo shows.
  await seedMobilityDemo(em.fork(), config, log, read<MobilityDemoSeed>('mobility.json'));
  // After selection: the home course catalogue, the Türkiye 2024 grant rates, and mobilities taken on to recognition.
  await importHomeCourseFile(em.fork(), readFileSync(path.join(dir, 'home-courses.csv'), 'utf8'));
  await seedGrantRates(em.fork(), read('grant-rates.json'));
  await seedMobilityLifecycleDemo(em.fork(), log, read<MobilityLifecycleSeed>('mobility-lifecycle.json'), seedContexts(em.fork(), config, log));
  // Incoming exchange: partners' nominations in every state of the intake, then housing, arrivals, departures, transcripts.
  await seedIncomingIntakeDemo(em.fork(), seedContexts(em.fork(), config, log));
  await seedIncomingReceptionDemo(em.fork());
  // International degree-seeking admission: the exam table and calls with applicants in every state.
  await seedAdmissionsDemo(em.fork(), config, log, dir);
  // Research support: followed calls (one announced), a subscription, support requests, a project, trainings.
  await seedResearchDemo(em.fork(), seedContexts(em.fork(), config, log));
  // The National Agency cycle: calls for proposals, quota requests, proposals, the contract the demo study calls carry.
  await seedProjectsDemo(em.fork(), seedContexts(em.fork(), config, log));
}

/** True when the database holds no home institution yet (a fresh install). */
export async function databaseIsEmpty(em: EntityManager): Promise<boolean> {
  return (await em.count(Institution, {})) === 0;
}
