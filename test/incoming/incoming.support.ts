/**
 * Shared set-up of the incoming suites. `arrange` writes an incoming mobility straight into the database in the state a
 * test starts from (the nomination and decision flows have suites of their own that go through GraphQL); everything
 * under test then goes through the running hub.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { MobilityType } from '../../src/modules/agreements/agreement.entity';
import { Institution } from '../../src/modules/institutions/institution.entity';
import { OrganisationalUnit } from '../../src/modules/institutions/organisational-unit.entity';
import {
  AcademicTerm,
  IncomingMobility,
  IncomingStatus,
  IncomingStatusChange,
  NominationSource,
} from '../../src/modules/incoming/incoming-mobility.entity';
import type { TestHub } from '../support/hub';

export const RUN = Math.random().toString(36).slice(2, 7).toUpperCase();
let sequence = 0;
/** A name no other test (or run) uses. */
export const unique = (what: string) => `${what}-${RUN}-${++sequence}`;

/** The global ID of a uuid (as the API shows it). */
export const globalId = (type: string, uuid: string) => Buffer.from(`${type}:${uuid}`, 'utf8').toString('base64url');
export const uuidOf = (id: string) => Buffer.from(id, 'base64url').toString().split(':')[1];

export const OFFICE = { role: 'STAFF' as const, sub: 'incoming-office-staff' };

export function em(hub: TestHub): EntityManager {
  return hub.hub.orm.em.fork() as EntityManager;
}

/** A home unit's uuid by its code (e.g. ENG-CENG, SCI-PHYS). */
export async function homeUnitId(hub: TestHub, code: string): Promise<string> {
  const unit = await em(hub).findOneOrFail(OrganisationalUnit, { code, institution: { isHome: true } });
  return unit.id;
}

/** A partner university of the demo directory (not the home institution), by country. */
export async function partnerId(hub: TestHub, country = 'DE'): Promise<string> {
  const partner = await em(hub).findOneOrFail(Institution, { isHome: false, country }, { orderBy: { id: 'asc' } });
  return partner.id;
}

export interface Arranged {
  id: string;
  uuid: string;
  number: string;
  nominee: { role: 'APPLICANT'; sub: string };
}

/** An incoming mobility in `status`, with its nominee's account subject, written directly (with its history line). */
export async function arrange(
  hub: TestHub,
  fields: Partial<IncomingMobility> & { status?: IncomingStatus; hostUnitCode?: string; partnerCountry?: string } = {},
): Promise<Arranged> {
  const { hostUnitCode = 'ENG-CENG', partnerCountry = 'DE', status = IncomingStatus.ACCEPTED, ...rest } = fields;
  const sub = rest.nomineeSubject ?? `incoming-nominee-${randomUUID()}`;
  const e = em(hub);
  const mobility = e.create(IncomingMobility, {
    number: unique('T-IN'),
    status,
    mobilityType: MobilityType.SMS,
    source: NominationSource.STAFF_ENTRY,
    nomineeSubject: sub,
    givenNames: 'Test',
    familyName: unique('Nominee'),
    email: `${sub}@partner.example`,
    citizenships: ['DE'],
    sendingInstitution: await partnerId(hub, partnerCountry),
    hostUnit: await homeUnitId(hub, hostUnitCode),
    academicYear: '2027/2028',
    term: AcademicTerm.FALL,
    ...rest,
  } as never);
  e.create(IncomingStatusChange, { mobility, to: status, actor: 'test-arrangement', at: new Date() } as never);
  await e.flush();
  return { id: globalId('IncomingMobility', mobility.id), uuid: mobility.id, number: mobility.number, nominee: { role: 'APPLICANT', sub } };
}
