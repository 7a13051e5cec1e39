/**
 * Set-up of the intake suites: partners of their own with agreements towards us written straight into the database
 * (so that quotas and matches are the test's alone), courses of our catalogue, and the common GraphQL steps. Everything
 * under test goes through the running hub.
 */
import { randomUUID } from 'node:crypto';
import { Agreement, AgreementKind, AgreementPartner, AgreementStatus, CooperationCondition, MobilityType } from '../../src/modules/agreements/agreement.entity';
import { Institution } from '../../src/modules/institutions/institution.entity';
import { OrganisationalUnit } from '../../src/modules/institutions/organisational-unit.entity';
import { HomeCourse } from '../../src/modules/mobility/course.entity';
import {
  IncClaimDocument,
  IncDecideDocument,
  IncMobilityDocument,
  IncNominateDocument,
  IncSubmitDocument,
  IncUpdateApplicationDocument,
  type IncFieldsFragment,
  type NominateIncomingInput,
} from '../generated/graphql';
import type { GraphQLResponse, Identity, TestHub } from '../support/hub';
import { em, globalId, OFFICE, RUN, unique } from './incoming.support';
import { ok } from '../support/hub';

export { ok };

export { OFFICE, unique, globalId };
export type Incoming = IncFieldsFragment;

/** Academic years no seed touches: the suites' own. */
export const YEAR = '2030/2031';

export function errorOf(res: GraphQLResponse<unknown>): Record<string, unknown> {
  if (!res.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(res.data)}`);
  return { ...(res.errors[0].extensions as Record<string, unknown>), message: res.errors[0].message };
}

let letters = 0;
/** Letters only (Erasmus city codes), different every call and run. */
function token(): string {
  const n = ++letters;
  const run = RUN.replace(/[0-9]/g, (d) => String.fromCharCode(65 + Number(d)));
  return `${run}${String.fromCharCode(65 + (n % 26))}${String.fromCharCode(65 + Math.floor(n / 26) % 26)}`;
}

export interface ConditionSpec {
  direction?: 'IN' | 'OUT';
  mobilityType?: MobilityType;
  mobilitiesPerYear?: number;
  isced?: string[];
  eqf?: number[];
  languages?: { language: string; cefr?: string }[];
  receivingUnit?: string; // home unit code
  firstAcademicYear?: string;
  lastAcademicYear?: string;
}

export interface Partner {
  uuid: string;
  id: string;
  schac: string;
  erasmus: string;
  agreementUuid: string | null;
  agreementId: string | null;
  reference: string | null;
  conditionUuids: string[];
}

/**
 * A partner of its own (SCHAC and Erasmus codes) with one agreement (status, years) and its conditions. No conditions
 * given: one SMS condition towards us for ENG-CENG, 2 a year, ISCED 0613, EQF 6–7, English B2.
 */
export async function partnerWithAgreement(
  hub: TestHub,
  opts: { status?: AgreementStatus; conditions?: ConditionSpec[]; agreement?: boolean; firstAcademicYear?: string; lastAcademicYear?: string } = {},
): Promise<Partner> {
  const e = em(hub);
  const home = await e.findOneOrFail(Institution, { isHome: true });
  const units = new Map((await e.find(OrganisationalUnit, { institution: home })).map((u) => [u.code, u]));
  const t = token();
  const partner = e.create(Institution, {
    officialName: `Universität ${t}`,
    name: { en: `University ${t}` },
    country: 'DE',
    schacCode: `uni-${t.toLowerCase()}.example.de`,
    erasmusCode: `D  Z${t}01`,
  } as never);
  let agreement: Agreement | null = null;
  const conditionUuids: string[] = [];
  if (opts.agreement !== false) {
    const first = opts.firstAcademicYear ?? '2029/2030';
    const last = opts.lastAcademicYear ?? '2032/2033';
    agreement = e.create(Agreement, {
      kind: AgreementKind.ERASMUS_IIA,
      status: opts.status ?? AgreementStatus.IN_EFFECT,
      title: `IIA ${t}`,
      reference: `INC-${t}`,
      firstAcademicYear: first,
      lastAcademicYear: last,
    } as never);
    e.create(AgreementPartner, { agreement, institution: partner } as never);
    const specs = opts.conditions ?? [{}];
    specs.forEach((c, position) => {
      const inward = (c.direction ?? 'IN') === 'IN';
      const condition = e.create(CooperationCondition, {
        agreement,
        sendingInstitution: inward ? partner : home,
        receivingInstitution: inward ? home : partner,
        receivingUnit: inward ? units.get(c.receivingUnit ?? 'ENG-CENG') : undefined,
        mobilityType: c.mobilityType ?? MobilityType.SMS,
        firstAcademicYear: c.firstAcademicYear ?? first,
        lastAcademicYear: c.lastAcademicYear ?? last,
        mobilitiesPerYear: c.mobilitiesPerYear ?? 2,
        subjectAreas: (c.isced ?? ['0613']).map((isced) => ({ isced })),
        iscedCodes: c.isced ?? ['0613'],
        eqfLevels: c.eqf ?? [6, 7],
        languages: c.languages ?? [{ language: 'en', cefr: 'B2' }],
        languageCodes: (c.languages ?? [{ language: 'en' }]).map((l) => l.language),
        position,
      } as never);
      conditionUuids.push(condition.id);
    });
  }
  await e.flush();
  return {
    uuid: partner.id,
    id: globalId('Institution', partner.id),
    schac: partner.schacCode!,
    erasmus: partner.erasmusCode!,
    agreementUuid: agreement?.id ?? null,
    agreementId: agreement ? globalId('Agreement', agreement.id) : null,
    reference: agreement?.reference ?? null,
    conditionUuids,
  };
}

export async function unitGlobalId(hub: TestHub, code: string): Promise<string> {
  const unit = await em(hub).findOneOrFail(OrganisationalUnit, { code, institution: { isHome: true } });
  return globalId('OrganisationalUnit', unit.id);
}

export async function unitUuid(hub: TestHub, code: string): Promise<string> {
  return (await em(hub).findOneOrFail(OrganisationalUnit, { code, institution: { isHome: true } })).id;
}

/** A course of our catalogue of its own (active unless said otherwise). */
export async function course(hub: TestHub, opts: { ects?: number; semester?: string; active?: boolean; unit?: string } = {}): Promise<{ id: string; code: string; ects: number }> {
  const e = em(hub);
  const unit = await e.findOneOrFail(OrganisationalUnit, { code: opts.unit ?? 'ENG-CENG', institution: { isHome: true } });
  const code = `INC ${token()}`.slice(0, 30);
  const c = e.create(HomeCourse, {
    code,
    title: { en: `Course ${code}`, tr: `Ders ${code}` },
    ects: opts.ects ?? 6,
    unit,
    language: 'en',
    semester: opts.semester ?? 'FALL',
    iscedCode: '0613',
    active: opts.active ?? true,
  } as never);
  await e.flush();
  return { id: globalId('HomeCourse', c.id), code, ects: opts.ects ?? 6 };
}

export const coordinator = async (hub: TestHub, code: string): Promise<Identity> => ({
  role: 'COORDINATOR',
  sub: `inc-coordinator-${randomUUID()}`,
  units: [await unitUuid(hub, code)],
});

export const applicant = (): Identity & { sub: string } => ({ role: 'APPLICANT', sub: `inc-nominee-${randomUUID()}` });

/** A staff-entry nomination input that fits `partner`'s default condition. */
export async function nominationInput(hub: TestHub, partner: Partner, overrides: Partial<NominateIncomingInput> = {}): Promise<NominateIncomingInput> {
  return {
    sendingInstitutionId: partner.id,
    sendingUnitName: 'Fakultät für Informatik',
    mobilityType: 'SMS',
    academicYear: YEAR,
    term: 'FALL',
    studyLevel: 'BACHELOR',
    iscedCode: '0613',
    languageCode: 'en',
    languageLevel: 'B2',
    hostUnitId: await unitGlobalId(hub, 'ENG-CENG'),
    givenNames: 'Lena',
    familyName: unique('Schmidt'),
    email: `lena.${randomUUID().slice(0, 8)}@uni.example.de`,
    birthDate: '2004-03-14',
    citizenships: ['DE'],
    ...overrides,
  };
}

export async function nominate(hub: TestHub, input: NominateIncomingInput): Promise<{ mobility: Incoming; invitationCode: string | null }> {
  return ok(await hub.request(IncNominateDocument, { input }, OFFICE)).nominateIncoming;
}

/** A nomination of `partner` claimed by a fresh nominee. */
export async function claimed(hub: TestHub, partner: Partner, overrides: Partial<NominateIncomingInput> = {}) {
  const { mobility, invitationCode } = await nominate(hub, await nominationInput(hub, partner, overrides));
  const nominee = applicant();
  const after = ok(await hub.request(IncClaimDocument, { number: mobility.number, invitationCode: invitationCode! }, nominee)).claimIncomingNomination;
  return { mobility: after, nominee };
}

export async function read(hub: TestHub, id: string, as: Identity = OFFICE): Promise<Incoming> {
  const m = ok(await hub.request(IncMobilityDocument, { id }, as)).incomingMobility;
  if (!m) throw new Error(`cannot read ${id}`);
  return m;
}

/** The nominee completes the application (dates, one course) and submits it. */
export async function applied(hub: TestHub, partner: Partner, overrides: Partial<NominateIncomingInput> = {}) {
  const { mobility, nominee } = await claimed(hub, partner, overrides);
  const c = await course(hub);
  const updated = ok(
    await hub.request(
      IncUpdateApplicationDocument,
      { input: { id: mobility.id, version: mobility.version, plannedArrival: '2030-09-20', plannedDeparture: '2031-01-31', courseIds: mobility.mobilityType === 'SMS' ? [c.id] : [] } },
      nominee,
    ),
  ).updateIncomingApplication;
  const submitted = ok(await hub.request(IncSubmitDocument, { id: updated.id, version: updated.version }, nominee)).submitIncomingApplication;
  return { mobility: submitted, nominee };
}

export async function decide(hub: TestHub, m: Incoming, decision: 'ACCEPT' | 'REJECT' | 'REQUEST_INFO', note?: string, as: Identity = OFFICE) {
  return hub.request(IncDecideDocument, { input: { id: m.id, version: m.version, decision, note } }, as);
}
