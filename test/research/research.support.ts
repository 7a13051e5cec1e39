/**
 * Shared set-up of the research suites: calls of the suite's own (topic identifiers and keyword fields carry the run
 * id, so the demo's calls and other runs never interfere), researchers with subjects of their own, the office's steps.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  RscCreateCallDocument,
  RscFileRequestDocument,
  RscHomeDocument,
  RscInstitutionDocument,
  RscPublishCallDocument,
  RscRequestDocument,
  type CreateResearchCallInput,
  type FileResearchSupportRequestInput,
  type RscCallFieldsFragment,
  type RscRequestFieldsFragment,
} from '../generated/graphql';
import { errorOf, ok, type Identity, type TestHub } from '../support/hub';

export { ok, errorOf };

export const STAFF: Identity = { role: 'STAFF', sub: 'research-office-staff' };
export const RUN = Math.random().toString(36).slice(2, 7).toUpperCase();
let sequence = 0;
/** A topic identifier nobody else uses. */
export const topic = (prefix = 'HORIZON-CL4-2027') => `${prefix}-${RUN}-${String(++sequence).padStart(2, '0')}`;
/** A keyword field nobody else uses. */
export const keyword = (word: string) => `${word}-${RUN.toLowerCase()}${++sequence}`;

export const DAY = 86_400_000;
export const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

export type Call = RscCallFieldsFragment;
export type Request = RscRequestFieldsFragment;

export class ResearchWorld {
  readonly units = new Map<string, string>();
  homeId = '';

  constructor(readonly hub: TestHub) {}

  async init(): Promise<this> {
    const home = ok(await this.hub.request(RscHomeDocument, {}, STAFF)).homeInstitution;
    this.homeId = home.id;
    for (const unit of home.topLevelUnits) {
      this.units.set(unit.code, unit.id);
      for (const child of unit.children) this.units.set(child.code, child.id);
    }
    return this;
  }

  unit(code: string): string {
    const id = this.units.get(code);
    if (!id) throw new Error(`no unit ${code}`);
    return id;
  }

  /** A researcher (any signed-in person; APPLICANT token by default). */
  researcher(name = 'r', role: 'APPLICANT' | 'COORDINATOR' = 'APPLICANT', unitCodes: string[] = []): Identity {
    return { role, sub: `researcher-${name}-${RUN}-${++sequence}`, units: unitCodes.map((c) => uuidOf(this.unit(c))) };
  }

  coordinator(code: string): Identity {
    return { role: 'COORDINATOR', sub: `research-coordinator-${code}-${RUN}`, units: [uuidOf(this.unit(code))] };
  }

  async institution(erasmusCode: string): Promise<{ id: string; name: string; isHome: boolean }> {
    const found = ok(await this.hub.request(RscInstitutionDocument, { identifier: erasmusCode }, STAFF)).institutionByIdentifier;
    if (!found) throw new Error(`no institution ${erasmusCode} in the demo directory`);
    return found;
  }

  callInput(overrides: Partial<CreateResearchCallInput> = {}): CreateResearchCallInput {
    return {
      programme: 'HORIZON_EUROPE',
      title: { en: `Test call ${RUN}-${++sequence}`, tr: `Deneme çağrısı ${RUN}-${sequence}` },
      topicIds: [topic()],
      opensAt: iso(-DAY),
      deadline: iso(30 * DAY),
      fields: ['0613'],
      ...overrides,
    };
  }

  async draft(overrides: Partial<CreateResearchCallInput> = {}): Promise<Call> {
    return ok(await this.hub.request(RscCreateCallDocument, { input: this.callInput(overrides) }, STAFF)).createResearchCall;
  }

  async published(overrides: Partial<CreateResearchCallInput> = {}): Promise<Call> {
    const call = await this.draft(overrides);
    return ok(await this.hub.request(RscPublishCallDocument, { id: call.id, version: call.version }, STAFF)).publishResearchCall;
  }

  async file(who: Identity, input: Partial<FileResearchSupportRequestInput> = {}): Promise<Request> {
    const full: FileResearchSupportRequestInput = {
      externalCall: 'HORIZON-CL6-2027-BIODIV-01-02',
      researcherName: 'Dr. Test Researcher',
      role: 'PARTNER',
      helpNeeded: ['PARTNER_SEARCH'],
      deadline: iso(20 * DAY),
      description: 'We would like help finding a coordinator for this topic.',
      ...input,
    };
    return ok(await this.hub.request(RscFileRequestDocument, { input: full }, who)).fileResearchSupportRequest;
  }

  async readRequest(id: string): Promise<Request> {
    const request = ok(await this.hub.request(RscRequestDocument, { id }, STAFF)).researchSupportRequest;
    if (!request) throw new Error(`no request ${id}`);
    return request;
  }

  sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
    return (this.hub.hub.orm.em.fork() as EntityManager).execute<T[]>(query, params);
  }
}

export const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];
