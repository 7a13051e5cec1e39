/**
 * Shared set-up of the mobility suites: home units, partners with agreements in effect (so that a call's places are
 * known and deterministic), calls whose window the tests open and close, applications and the office's steps.
 * Every suite creates its own calls; nothing here depends on demo calls or applications.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  MobChangeAgreementStatusDocument,
  MobChangeApplicationStatusDocument,
  MobCreateAgreementDocument,
  MobCreateApplicationDocument,
  MobCreateCallDocument,
  MobCreatePartnerDocument,
  MobEvaluateCallDocument,
  MobGenerateCallPlacesDocument,
  MobApplicationDocument,
  MobHomeDocument,
  MobProgrammesDocument,
  MobPublishCallDocument,
  MobRunPlacementDocument,
  MobSetCallQuotasDocument,
  MobSignAgreementDocument,
  MobSubmitApplicationDocument,
  MobUpdateCallDocument,
  type AgreementKind,
  type ApplicationStatus,
  type CallQuotaInput,
  type CreateMobilityApplicationInput,
  type CreateMobilityCallInput,
  type MobApplicationFieldsFragment,
  type MobCallFieldsFragment,
  type MobPlaceFieldsFragment,
  type MobilityProgrammeCode,
  type MobilityType,
} from '../generated/graphql';
import { waitFor, type GraphQLResponse, type Identity, type TestHub } from '../support/hub';

export const STAFF: Identity = { role: 'STAFF', sub: 'mobility-office-staff' };
export const RUN = Math.random().toString(36).slice(2, 7).toUpperCase();
let sequence = 0;
/** A name no other test (or run) uses. */
export const unique = (what: string) => `${what} ${RUN}-${++sequence}`;

/** The academic year the suites' calls are for (seeded rules exist for 2025/2026 to 2027/2028). */
export const YEAR = '2027/2028';
export const EARLIER_YEAR = '2026/2027';

export const HOUR = 3_600_000;
export const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** The uuid inside a global ID (tokens carry unit uuids). */
export const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];

/** The error of a refused operation: its extensions (code, reason, field, ...). */
export function errorOf(res: GraphQLResponse<unknown>): Record<string, unknown> {
  if (!res.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(res.data)}`);
  return res.errors[0].extensions as Record<string, unknown>;
}

/** The data of a successful operation (fails with the errors otherwise). */
export function ok<T>(res: GraphQLResponse<T>): T {
  if (res.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(res.errors, null, 1)}`);
  return res.data!;
}

export type Call = MobCallFieldsFragment;
export type Place = MobPlaceFieldsFragment;
export type Application = MobApplicationFieldsFragment;

export interface AgreementCondition {
  partner: string; // partner institution global id
  mobilityType?: MobilityType;
  mobilitiesPerYear?: number;
  eqfLevels?: number[];
  isced?: string;
  sendingUnit?: string; // home unit code
  firstAcademicYear?: string;
  lastAcademicYear?: string;
}

export class MobilityWorld {
  homeId = '';
  /** Global IDs of the seeded home units by code (ENG, ENG-CENG, SCI, ...). */
  readonly units = new Map<string, string>();
  readonly programmes = new Map<MobilityProgrammeCode, { id: string; version: number; enabled: boolean }>();

  constructor(readonly hub: TestHub) {}

  async init(): Promise<this> {
    const home = ok(await this.hub.request(MobHomeDocument, {}, STAFF)).homeInstitution;
    this.homeId = home.id;
    for (const unit of home.topLevelUnits) {
      this.units.set(unit.code, unit.id);
      for (const child of unit.children) this.units.set(child.code, child.id);
    }
    const programmes = ok(await this.hub.request(MobProgrammesDocument, { academicYear: YEAR, category: 'STUDENT' })).mobilityProgrammes;
    for (const p of programmes) this.programmes.set(p.code, { id: p.id, version: p.version, enabled: p.enabled });
    return this;
  }

  unit(code: string): string {
    const id = this.units.get(code);
    if (!id) throw new Error(`no home unit ${code}`);
    return id;
  }

  programme(code: MobilityProgrammeCode): string {
    return this.programmes.get(code)!.id;
  }

  /** A coordinator of the given home units (by code). */
  coordinator(...codes: string[]): Identity {
    return { role: 'COORDINATOR', sub: unique('coordinator').replace(/\s/g, '-'), units: codes.map((c) => uuidOf(this.unit(c))) };
  }

  /** An applicant with a subject of their own. */
  applicant(label = 'student'): Identity {
    return { role: 'APPLICANT', sub: `${label}-${RUN}-${++sequence}` };
  }

  sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
    return (this.hub.hub.orm.em.fork() as EntityManager).execute<T[]>(query, params);
  }

  async partner(country: string, name = unique(`Partner University ${country}`)): Promise<{ id: string; name: string; country: string }> {
    const created = ok(await this.hub.request(MobCreatePartnerDocument, { input: { officialName: name, country } }, STAFF)).createInstitution;
    return { id: created.id, name: created.officialName, country };
  }

  /**
   * An agreement with outgoing conditions (home → partner) for the given partners; brought IN_EFFECT unless
   * `status` says otherwise (DRAFT or IN_NEGOTIATION).
   */
  async agreement(
    conditions: AgreementCondition[],
    opts: { kind?: AgreementKind; status?: 'DRAFT' | 'IN_NEGOTIATION' | 'IN_EFFECT' } = {},
  ): Promise<{ id: string; status: string }> {
    const partners = [...new Set(conditions.map((c) => c.partner))];
    const created = ok(
      await this.hub.request(
        MobCreateAgreementDocument,
        {
          input: {
            kind: opts.kind ?? 'ERASMUS_IIA',
            title: unique('Mobility test agreement'),
            partners: partners.map((institutionId) => ({ institutionId })),
            firstAcademicYear: '2025/2026',
            lastAcademicYear: '2028/2029',
            conditions: conditions.map((c) => {
              const type = c.mobilityType ?? 'SMS';
              const student = type === 'SMS' || type === 'SMT';
              return {
                sendingInstitutionId: this.homeId,
                receivingInstitutionId: c.partner,
                sendingUnitId: c.sendingUnit ? this.unit(c.sendingUnit) : undefined,
                mobilityType: type,
                firstAcademicYear: c.firstAcademicYear ?? '2025/2026',
                lastAcademicYear: c.lastAcademicYear ?? '2028/2029',
                mobilitiesPerYear: c.mobilitiesPerYear ?? 1,
                ...(student ? { totalMonthsPerYear: 5 * (c.mobilitiesPerYear ?? 1) } : { totalDaysPerYear: 5 * (c.mobilitiesPerYear ?? 1) }),
                subjectAreas: c.isced ? [{ isced: c.isced }] : [],
                eqfLevels: c.eqfLevels ?? [],
              };
            }),
          },
        },
        STAFF,
      ),
    ).createAgreement;
    const status = opts.status ?? 'IN_EFFECT';
    if (status === 'DRAFT') return created;
    const negotiating = ok(await this.hub.request(MobChangeAgreementStatusDocument, { id: created.id, version: created.version, status: 'IN_NEGOTIATION' }, STAFF))
      .changeAgreementStatus;
    if (status === 'IN_NEGOTIATION') return negotiating;
    const one = ok(
      await this.hub.request(MobSignAgreementDocument, { input: { id: created.id, version: negotiating.version, side: 'HOME', signatory: 'Rektör', signedOn: '2026-10-01' } }, STAFF),
    ).signAgreement;
    const both = ok(
      await this.hub.request(MobSignAgreementDocument, { input: { id: created.id, version: one.version, side: 'PARTNER', signatory: 'Rector', signedOn: '2026-10-02' } }, STAFF),
    ).signAgreement;
    if (both.status !== 'IN_EFFECT') throw new Error(`agreement not in effect: ${both.status}`);
    return both;
  }

  /** A draft call (as the office creates it). Open now for an hour by default. */
  async draftCall(programme: MobilityProgrammeCode, input: Partial<CreateMobilityCallInput> = {}): Promise<Call> {
    return ok(
      await this.hub.request(
        MobCreateCallDocument,
        {
          input: {
            programmeId: this.programme(programme),
            mobilityType: 'SMS',
            academicYear: YEAR,
            title: { tr: unique('Başvuru çağrısı'), en: unique('Call') },
            opensAt: iso(-HOUR),
            closesAt: iso(HOUR),
            waiverDeadline: iso(HOUR),
            ...input,
          },
        },
        STAFF,
      ),
    ).createMobilityCall;
  }

  async publish(call: { id: string; version: number }): Promise<Call> {
    return ok(await this.hub.request(MobPublishCallDocument, { id: call.id, version: call.version }, STAFF)).publishMobilityCall;
  }

  async generatePlaces(callId: string): Promise<Place[]> {
    return ok(await this.hub.request(MobGenerateCallPlacesDocument, { callId }, STAFF)).generateCallPlaces.places;
  }

  async setQuotas(call: { id: string; version: number }, quotas: CallQuotaInput[]): Promise<Call> {
    return ok(await this.hub.request(MobSetCallQuotasDocument, { callId: call.id, version: call.version, quotas }, STAFF)).setCallQuotas;
  }

  /**
   * A published, open call with its places generated; `places` are this call's places of the given partners
   * (by partner name, in the order asked).
   */
  async openCall(
    programme: MobilityProgrammeCode,
    input: Partial<CreateMobilityCallInput> = {},
    quotas?: CallQuotaInput[],
  ): Promise<{ call: Call; places: Place[] }> {
    let call = await this.draftCall(programme, input);
    if (quotas) call = await this.setQuotas(call, quotas);
    const places = await this.generatePlaces(call.id);
    call = await this.publish(await this.currentCall(call.id));
    return { call, places };
  }

  async currentCall(id: string): Promise<Call> {
    const rows = await this.sql<{ version: number }>(`select version from mobility_call where id = ?`, [uuidOf(id)]);
    return { id, version: rows[0].version } as Call;
  }

  /** Moves the call's window into the past (the call closed a second ago); the waiver deadline stays where it was unless given. */
  async closeCall(callId: string, extra: { waiverDeadline?: string | null; appealEndsAt?: string | null } = {}): Promise<Call> {
    const { version } = await this.currentCall(callId);
    return ok(
      await this.hub.request(MobUpdateCallDocument, { input: { id: callId, version, opensAt: iso(-2 * HOUR), closesAt: iso(-1000), ...extra } }, STAFF),
    ).updateMobilityCall;
  }

  async updateCall(callId: string, fields: Record<string, unknown>): Promise<GraphQLResponse<unknown>> {
    const { version } = await this.currentCall(callId);
    return this.hub.request(MobUpdateCallDocument, { input: { id: callId, version, ...fields } }, STAFF);
  }

  /** A draft application with sensible student defaults. */
  async createApplication(who: Identity, callId: string, input: Partial<CreateMobilityApplicationInput>): Promise<Application> {
    return ok(await this.hub.request(MobCreateApplicationDocument, { input: this.applicationInput(callId, input) }, who)).createMobilityApplication;
  }

  applicationInput(callId: string, input: Partial<CreateMobilityApplicationInput>): CreateMobilityApplicationInput {
    return {
      callId,
      unitId: this.unit('ENG-CENG'),
      studyLevel: 'BACHELOR',
      yearOfStudy: 2,
      gpa: 3,
      languageExam: 'YDS',
      languageScore: 80,
      citizenships: ['TR'],
      plannedMonths: 5,
      ...input,
    };
  }

  async submit(who: Identity, application: { id: string; version: number }): Promise<Application> {
    return ok(await this.hub.request(MobSubmitApplicationDocument, { id: application.id, version: application.version }, who)).submitMobilityApplication;
  }

  /** Created and submitted. */
  async apply(who: Identity, callId: string, input: Partial<CreateMobilityApplicationInput>): Promise<Application> {
    return this.submit(who, await this.createApplication(who, callId, input));
  }

  async evaluate(callId: string) {
    return ok(await this.hub.request(MobEvaluateCallDocument, { callId }, STAFF)).evaluateMobilityCall;
  }

  async place(callId: string) {
    return ok(await this.hub.request(MobRunPlacementDocument, { callId }, STAFF)).runMobilityPlacement;
  }

  async officeStep(application: { id: string; version: number }, to: ApplicationStatus, reason?: string): Promise<Application> {
    return ok(await this.hub.request(MobChangeApplicationStatusDocument, { input: { id: application.id, version: application.version, to, reason } }, STAFF))
      .changeMobilityApplicationStatus;
  }

  /**
   * A published, open call with places at new partners: one agreement in effect with an outgoing condition per place
   * asked for. `places` come back in the order asked.
   */
  async callWithPlaces(
    places: { country: string; capacity?: number; sendingUnit?: string; eqfLevels?: number[]; isced?: string }[],
    opts: {
      programme?: MobilityProgrammeCode;
      mobilityType?: MobilityType;
      kind?: AgreementKind;
      call?: Partial<CreateMobilityCallInput>;
      quotas?: CallQuotaInput[];
    } = {},
  ): Promise<{ call: Call; places: Place[]; partners: { id: string; name: string; country: string }[] }> {
    const mobilityType = opts.mobilityType ?? 'SMS';
    const partners = await Promise.all(places.map((p) => this.partner(p.country)));
    await this.agreement(
      places.map((p, i) => ({
        partner: partners[i].id,
        mobilityType,
        mobilitiesPerYear: p.capacity ?? 1,
        sendingUnit: p.sendingUnit,
        eqfLevels: p.eqfLevels,
        isced: p.isced,
      })),
      { kind: opts.kind },
    );
    const opened = await this.openCall(opts.programme ?? 'ERASMUS_KA131', { mobilityType, ...opts.call }, opts.quotas);
    return { call: opened.call, partners, places: partners.map((p) => placeOf(opened.places, p.name)) };
  }

  /** Closes the call, evaluates it and runs the placement. */
  async select(callId: string, extra: { waiverDeadline?: string | null } = {}) {
    await this.closeCall(callId, extra);
    await this.evaluate(callId);
    return this.place(callId);
  }

  /**
   * A mobility the host has accepted (status ACCEPTED): a call with one place in `country` at a new partner, one applicant
   * applying to it, selected, nominated and accepted. The starting point of the suites after selection (learning
   * agreement, grant, dates, transcript, recognition, reporting). Staff types (STA, STT) apply without study details.
   */
  async acceptedMobility(
    opts: {
      country?: string;
      mobilityType?: MobilityType;
      programme?: MobilityProgrammeCode;
      isced?: string;
      call?: Partial<CreateMobilityCallInput>;
      application?: Partial<CreateMobilityApplicationInput>;
      who?: Identity;
    } = {},
  ): Promise<{ who: Identity; application: Application; call: Call; place: Place; partner: { id: string; name: string; country: string } }> {
    const mobilityType = opts.mobilityType ?? 'SMS';
    const staff = mobilityType === 'STA' || mobilityType === 'STT';
    const { call, places, partners } = await this.callWithPlaces([{ country: opts.country ?? 'DE', isced: opts.isced }], {
      programme: opts.programme,
      mobilityType,
      call: opts.call,
    });
    const who = opts.who ?? this.applicant(staff ? 'staff' : 'student');
    const fields: Partial<CreateMobilityApplicationInput> = staff
      ? { studyLevel: null, yearOfStudy: null, gpa: null, plannedMonths: null, plannedDays: 5, languageScore: 75 }
      : { fieldOfStudy: opts.isced };
    const applied = await this.apply(who, call.id, { ...fields, preferences: [places[0].id], ...opts.application });
    await this.select(call.id);
    const nominated = await this.officeStep(await this.read(applied.id), 'NOMINATED');
    const accepted = await this.officeStep(nominated, 'ACCEPTED');
    return { who, application: accepted, call, place: places[0], partner: partners[0] };
  }

  /** Waits until `n` subscriptions are registered with the hub's dispatcher (graphql-ws does not acknowledge them). */
  async listening(n: number): Promise<void> {
    await waitFor(() => this.hub.hub.dispatcher.listenerCount >= n, 5000, 'the subscriptions to register');
  }

  /** The application as the office reads it now (fresh version). */
  async read(id: string): Promise<Application> {
    const application = ok(await this.hub.request(MobApplicationDocument, { id }, STAFF)).mobilityApplication;
    if (!application) throw new Error(`no application ${id}`);
    return application;
  }
}

/** This call's place of the partner named, from a place list. */
export function placeOf(places: readonly Place[], partnerName: string): Place {
  const found = places.filter((p) => p.partner.officialName === partnerName);
  if (found.length !== 1) throw new Error(`expected one place of ${partnerName}, found ${found.length}`);
  return found[0];
}
