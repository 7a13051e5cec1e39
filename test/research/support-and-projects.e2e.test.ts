/**
 * Researchers' support requests (filed by any signed-in person, for a followed call or another one; assigned, notes
 * and messages, completed, declined or withdrawn), who reads them (the researcher their own, coordinators their
 * units', the office all), resulting projects with partners from the directory (office and PI; a public list with
 * public fields only), and the research trainings listed from the content module's events.
 */
import {
  RscAddNoteDocument,
  RscAssignRequestDocument,
  RscCompleteRequestDocument,
  RscCreateProjectDocument,
  RscDeclineRequestDocument,
  RscFileRequestDocument,
  RscNodeDocument,
  RscProjectDocument,
  RscProjectsDocument,
  RscPublicProjectsDocument,
  RscRequestDocument,
  RscRequestsDocument,
  RscTrainingsDocument,
  RscUpdateProjectDocument,
  RscWithdrawRequestDocument,
  type CreateResearchProjectInput,
} from '../generated/graphql';
import { startTestHub, type TestHub } from '../support/hub';
import { DAY, errorOf, iso, ok, ResearchWorld, RUN, STAFF, uuidOf, type Call } from './research.support';

let hub: TestHub;
let world: ResearchWorld;
let call: Call;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new ResearchWorld(hub).init();
  call = await world.published({ deadline: iso(40 * DAY), secondStageDeadline: iso(120 * DAY) });
});
afterAll(() => hub.close());

describe('support requests', () => {
  it('takes a request through assignment to completion, with the followed call’s next deadline by default', async () => {
    const who = world.researcher('life', 'COORDINATOR', ['SCI']);
    const aachen = await world.institution('D AACHEN01');
    const filed = await world.file(who, {
      externalCall: undefined,
      callId: call.id,
      deadline: undefined,
      partnerInstitutionIds: [aachen.id],
      helpNeeded: ['PARTNER_SEARCH', 'BUDGET'],
      unitId: world.unit('ENG-CENG'),
    });
    expect(filed).toMatchObject({ status: 'SUBMITTED', mine: true, call: { id: call.id }, deadline: call.deadline, assignedTo: null, unit: { code: 'ENG-CENG' } });
    expect(filed.partnerInstitutions).toEqual([{ id: aachen.id, name: aachen.name }]);

    // Only the office assigns; the assignee must be an office account when the hub knows the person.
    expect(errorOf(await hub.request(RscAssignRequestDocument, { id: filed.id, version: filed.version, staffSubject: 'demo-staff' }, who))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(RscAssignRequestDocument, { id: filed.id, version: filed.version, staffSubject: 'demo-applicant' }, STAFF))).toMatchObject({ reason: 'NOT_STAFF' });
    const assigned = ok(await hub.request(RscAssignRequestDocument, { id: filed.id, version: filed.version, staffSubject: 'demo-staff' }, STAFF)).assignResearchSupportRequest;
    expect(assigned).toMatchObject({ status: 'IN_PROGRESS', assignedTo: 'demo-staff' });
    // The researcher reads that the office has it, not who.
    expect(ok(await hub.request(RscRequestDocument, { id: filed.id }, who)).researchSupportRequest).toMatchObject({ status: 'IN_PROGRESS', assignedTo: 'office' });
    expect(errorOf(await hub.request(RscCompleteRequestDocument, { id: filed.id, version: filed.version }, STAFF))).toMatchObject({ reason: 'VERSION_CONFLICT' });
    const done = ok(await hub.request(RscCompleteRequestDocument, { id: filed.id, version: assigned.version }, STAFF)).completeResearchSupportRequest;
    expect(done.status).toBe('COMPLETED');
    expect(done.closedAt).toBeTruthy();
    // Final: nothing moves it.
    expect(errorOf(await hub.request(RscWithdrawRequestDocument, { id: filed.id, version: done.version }, who))).toMatchObject({
      code: 'CONFLICT',
      reason: 'INVALID_TRANSITION',
    });
    const [event] = await world.sql<{ n: number }>(`select count(*)::int as n from outbox_event where type = 'researchSupportRequest.statusChanged' and actor is not null and aggregate_id = ?`, [
      Buffer.from(filed.id, 'base64url').toString().split(':')[1],
    ]);
    expect(event.n).toBe(3);
  });

  it('lets the office decline with a reason and the researcher withdraw', async () => {
    const who = world.researcher('decline');
    const a = await world.file(who);
    expect(errorOf(await hub.request(RscDeclineRequestDocument, { id: a.id, version: a.version, reason: 'x' }, STAFF))).toMatchObject({ code: 'BAD_USER_INPUT' });
    const declined = ok(await hub.request(RscDeclineRequestDocument, { id: a.id, version: a.version, reason: 'The deadline is too close for a full review.' }, STAFF))
      .declineResearchSupportRequest;
    expect(declined).toMatchObject({ status: 'DECLINED', declineReason: 'The deadline is too close for a full review.' });
    const b = await world.file(who);
    // The office does not withdraw for the researcher (the researcher's step; the office sees the request).
    expect(errorOf(await hub.request(RscWithdrawRequestDocument, { id: b.id, version: b.version }, STAFF))).toMatchObject({ code: 'NOT_FOUND' });
    const withdrawn = ok(await hub.request(RscWithdrawRequestDocument, { id: b.id, version: b.version }, who)).withdrawResearchSupportRequest;
    expect(withdrawn.status).toBe('WITHDRAWN');
  });

  it('refuses bad requests with clear codes and writes nothing', async () => {
    const who = world.researcher('bad');
    const count = async () => (await world.sql<{ n: number }>(`select count(*)::int as n from research_support_request where researcher_subject = ?`, [who.sub]))[0].n;
    const attempt = async (input: Record<string, unknown>) =>
      errorOf(
        await hub.request(
          RscFileRequestDocument,
          {
            input: {
              externalCall: 'Some call',
              researcherName: 'Dr. X',
              role: 'PARTNER',
              helpNeeded: ['ETHICS'],
              deadline: iso(10 * DAY),
              description: 'A description long enough.',
              ...input,
            } as never,
          },
          who,
        ),
      );
    const draft = await world.draft();
    expect(await attempt({ callId: call.id })).toMatchObject({ reason: 'CALL_REQUIRED' });
    expect(await attempt({ externalCall: undefined })).toMatchObject({ reason: 'CALL_REQUIRED' });
    expect(await attempt({ externalCall: undefined, callId: draft.id })).toMatchObject({ reason: 'CALL_NOT_AVAILABLE' });
    expect(await attempt({ deadline: undefined })).toMatchObject({ reason: 'DEADLINE_REQUIRED' });
    expect(await attempt({ deadline: iso(-DAY) })).toMatchObject({ reason: 'DEADLINE_IN_PAST' });
    expect(await attempt({ helpNeeded: [] })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await attempt({ helpNeeded: ['BUDGET', 'BUDGET'] })).toMatchObject({ reason: 'DUPLICATE_HELP' });
    expect(await attempt({ description: 'short' })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await attempt({ unitId: (await world.institution('D AACHEN01')).id })).toMatchObject({ reason: 'INVALID_ID' });
    expect(await attempt({ partnerInstitutionIds: [world.unit('ENG')] })).toMatchObject({ reason: 'INVALID_ID' });
    expect(await count()).toBe(0);
    expect(errorOf(await hub.request(RscFileRequestDocument, { input: { externalCall: 'X call', researcherName: 'Anon', role: 'PARTNER', helpNeeded: ['OTHER'], deadline: iso(DAY), description: 'Anonymous request text' } }))).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });
});

describe('who reads support requests', () => {
  it('shows a researcher only their own requests: another researcher gets null and NOT_FOUND, anonymous visitors UNAUTHENTICATED', async () => {
    const alice = world.researcher('alice');
    const bob = world.researcher('bob');
    const mineA = await world.file(alice, { unitId: world.unit('ENG-CENG') });
    const mineB = await world.file(bob);

    expect(ok(await hub.request(RscRequestDocument, { id: mineA.id }, alice)).researchSupportRequest).toMatchObject({ id: mineA.id, mine: true });
    expect(ok(await hub.request(RscRequestDocument, { id: mineA.id }, bob)).researchSupportRequest).toBeNull();
    expect(ok(await hub.request(RscNodeDocument, { id: mineA.id }, bob)).node).toBeNull();
    const bobs = ok(await hub.request(RscRequestsDocument, { first: 100 }, bob)).researchSupportRequests;
    expect(bobs.nodes.map((n) => n.id)).toEqual([mineB.id]);
    expect(errorOf(await hub.request(RscWithdrawRequestDocument, { id: mineA.id, version: mineA.version }, bob))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await hub.request(RscAddNoteDocument, { input: { requestId: mineA.id, body: 'Hello' } }, bob))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await world.readRequest(mineA.id)).status).toBe('SUBMITTED');

    expect(errorOf(await hub.request(RscRequestDocument, { id: mineA.id }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(errorOf(await hub.request(RscRequestsDocument, { first: 10 }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(ok(await hub.request(RscNodeDocument, { id: mineA.id })).node).toBeNull();

    // Coordinators read the requests recorded under their units (a faculty includes its departments), not others.
    const eng = world.coordinator('ENG');
    const sci = world.coordinator('SCI');
    expect(ok(await hub.request(RscRequestDocument, { id: mineA.id }, eng)).researchSupportRequest).toMatchObject({ id: mineA.id, mine: false });
    expect(ok(await hub.request(RscRequestDocument, { id: mineA.id }, sci)).researchSupportRequest).toBeNull();
    expect(ok(await hub.request(RscRequestDocument, { id: mineB.id }, eng)).researchSupportRequest).toBeNull();
    // The office reads all.
    const office = ok(await hub.request(RscRequestsDocument, { first: 100 }, STAFF)).researchSupportRequests.nodes.map((n) => n.id);
    expect(office).toEqual(expect.arrayContaining([mineA.id, mineB.id]));
  });

  it('keeps internal notes from the researcher (and coordinators); messages go both ways', async () => {
    const who = world.researcher('notes');
    const request = await world.file(who, { unitId: world.unit('ENG') });
    ok(await hub.request(RscAddNoteDocument, { input: { requestId: request.id, body: 'Their last proposal scored 12.5: worth backing.', internal: true } }, STAFF));
    ok(await hub.request(RscAddNoteDocument, { input: { requestId: request.id, body: 'We will send a budget template this week.' } }, STAFF));
    ok(await hub.request(RscAddNoteDocument, { input: { requestId: request.id, body: 'Thank you, we are waiting for it.' } }, who));
    expect(errorOf(await hub.request(RscAddNoteDocument, { input: { requestId: request.id, body: 'sneaky', internal: true } }, who))).toMatchObject({ code: 'FORBIDDEN' });

    const asResearcher = ok(await hub.request(RscRequestDocument, { id: request.id }, who)).researchSupportRequest!;
    expect(asResearcher.notes.map((n) => [n.byOffice, n.body])).toEqual([
      [true, 'We will send a budget template this week.'],
      [false, 'Thank you, we are waiting for it.'],
    ]);
    expect(JSON.stringify(asResearcher)).not.toContain('worth backing');
    const asCoordinator = ok(await hub.request(RscRequestDocument, { id: request.id }, world.coordinator('ENG'))).researchSupportRequest!;
    expect(asCoordinator.notes.some((n) => n.internal)).toBe(false);
    const asOffice = ok(await hub.request(RscRequestDocument, { id: request.id }, STAFF)).researchSupportRequest!;
    expect(asOffice.notes.map((n) => n.internal)).toEqual([true, false, false]);
  });
});

describe('projects', () => {
  const input = async (overrides: Partial<CreateResearchProjectInput> = {}): Promise<CreateResearchProjectInput> => ({
    acronym: `P${RUN}`,
    title: 'A research project of the test run',
    grantAgreementNumber: String(100_000_000 + Math.floor(Math.random() * 899_999_999)),
    programme: 'HORIZON_EUROPE',
    callId: call.id,
    ourRole: 'PARTNER',
    partners: [
      { institutionId: (await world.institution('D AACHEN01')).id, role: 'COORDINATOR', coordinator: true },
      { institutionId: (await world.institution('B LEUVEN01')).id, role: 'PARTNER' },
    ],
    startDate: '2026-01-01',
    endDate: '2029-12-31',
    budgetTotal: '4000000',
    ourShare: '450000.5',
    piSubject: `pi-${RUN}`,
    piName: 'Prof. Dr. Test PI',
    ...overrides,
  });

  it('records a project with partners from the directory; the PI reads their own, others nothing; the public list shows public fields only', async () => {
    const pi = { role: 'APPLICANT' as const, sub: `pi-${RUN}` };
    const request = await world.file(pi);
    const created = ok(await hub.request(RscCreateProjectDocument, { input: await input({ supportRequestId: request.id }) }, STAFF)).createResearchProject;
    expect(created).toMatchObject({ ourShare: '450000.50', budgetTotal: '4000000.00', currency: 'EUR', call: { id: call.id }, supportRequest: { id: request.id } });
    expect(created.partners.map((p) => [p.institution?.name, p.role, p.coordinator])).toEqual([
      [expect.any(String), 'COORDINATOR', true],
      [expect.any(String), 'PARTNER', false],
    ]);

    const asPi = ok(await hub.request(RscProjectDocument, { id: created.id }, pi)).researchProject;
    expect(asPi).toMatchObject({ id: created.id, piSubject: null, supportRequest: { id: request.id } });
    expect(ok(await hub.request(RscProjectsDocument, { first: 50 }, pi)).researchProjects.nodes.map((n) => n.id)).toEqual([created.id]);
    expect(ok(await hub.request(RscProjectDocument, { id: created.id }, world.researcher('stranger'))).researchProject).toBeNull();
    expect(ok(await hub.request(RscProjectDocument, { id: created.id })).researchProject).toBeNull();
    expect(errorOf(await hub.request(RscCreateProjectDocument, { input: await input() }, pi))).toMatchObject({ code: 'FORBIDDEN' });

    // Not public until the office says so; then only the public fields.
    const listed = async () => ok(await hub.request(RscPublicProjectsDocument, { first: 100 })).publicResearchProjects.nodes.filter((n) => n.id === created.id);
    expect(await listed()).toEqual([]);
    ok(await hub.request(RscUpdateProjectDocument, { input: { id: created.id, version: created.version, publicListing: true } }, STAFF));
    const [shown] = await listed();
    expect(shown).toEqual({
      id: created.id,
      acronym: created.acronym,
      title: created.title,
      programme: 'HORIZON_EUROPE',
      startDate: '2026-01-01',
      endDate: '2029-12-31',
      partnerNames: created.partners.map((p) => p.institution!.name),
    });
  });

  it('refuses a second project with the same grant agreement number, two coordinators, the university as partner, unknown partners and bad dates', async () => {
    const first = ok(await hub.request(RscCreateProjectDocument, { input: await input({ acronym: `D${RUN}` }) }, STAFF)).createResearchProject;
    const count = async () => (await world.sql<{ n: number }>(`select count(*)::int as n from research_project where acronym like ?`, [`%${RUN}`]))[0].n;
    const before = await count();
    const fail = async (overrides: Partial<CreateResearchProjectInput>) => errorOf(await hub.request(RscCreateProjectDocument, { input: await input(overrides) }, STAFF));
    expect(await fail({ grantAgreementNumber: first.grantAgreementNumber })).toMatchObject({ code: 'CONFLICT', reason: 'GRANT_AGREEMENT_NUMBER_TAKEN' });
    expect(await fail({ ourRole: 'COORDINATOR' })).toMatchObject({ reason: 'ONE_COORDINATOR' });
    expect(await fail({ partners: [{ institutionId: world.homeId, role: 'PARTNER' }] })).toMatchObject({ reason: 'HOME_AS_PARTNER' });
    // A unit's ID is not an institution's.
    expect(await fail({ partners: [{ institutionId: world.unit('ENG'), role: 'PARTNER' }] })).toMatchObject({ reason: 'INVALID_ID' });
    expect(await fail({ endDate: '2025-01-01' })).toMatchObject({ reason: 'INVALID_DATES' });
    expect(await fail({ startDate: '2026-02-30' })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await fail({ grantAgreementNumber: 'GA-1' })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await fail({ ourShare: '5000000' })).toMatchObject({ reason: 'INVALID_BUDGET' });
    const aachen = (await world.institution('D AACHEN01')).id;
    expect(await fail({ partners: [{ institutionId: aachen, role: 'PARTNER' }, { institutionId: aachen, role: 'PARTNER' }] })).toMatchObject({ reason: 'DUPLICATE_PARTNER' });
    expect(await count()).toBe(before);
  });
});

describe('trainings', () => {
  it('lists the published research-training events with their registration details, to anyone', async () => {
    const trainings = ok(await hub.request(RscTrainingsDocument, { upcomingOnly: true })).researchTrainings;
    const titles = trainings.map((t) => t.title);
    expect(titles).toEqual(expect.arrayContaining([expect.stringMatching(/Info Day|Bilgi Günü/), expect.stringMatching(/Proposal-Writing|Proje Yazma/)]));
    for (const t of trainings) expect(t.tags).toContain('research-training');
    const workshop = trainings.find((t) => /Proposal-Writing|Proje Yazma/.test(t.title))!;
    expect(workshop).toMatchObject({ kind: 'WORKSHOP', capacity: 30, registrationOpen: true, placesLeft: 30 });
    expect(workshop.attachments[0]).toMatchObject({ contentType: 'application/pdf' });
    // Sorted by start.
    const starts = trainings.map((t) => new Date(t.startsAt).getTime());
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    // Other published events (the demo's orientation day, conferences …) are not trainings.
    const others = await world.sql<{ id: string }>(`select id from content_item where type = 'EVENT' and status = 'PUBLISHED' and not ('research-training' = any(tags))`);
    expect(others.length).toBeGreaterThan(0);
    const listed = new Set(trainings.map((t) => uuidOf(t.id)));
    expect(others.filter((o) => listed.has(o.id))).toEqual([]);
  });
});
