import type { EntityManager } from '@mikro-orm/postgresql';
import {
  ParticipationApprovedDocument,
  ParticipationDecideDocument,
  ParticipationListDocument,
  ParticipationMineDocument,
  ParticipationNodeDocument,
  ParticipationRequestDocument,
  ParticipationWithdrawDocument,
  RegistrationCreateContentDocument,
  RegistrationPublishContentDocument,
  type CreateContentInput,
  type RequestParticipationInput,
} from '../generated/graphql';
import { startTestHub, type Identity, type TestHub } from '../support/hub';

let hub: TestHub;
const STAFF: Identity = { role: 'STAFF', sub: 'staff-decider' };

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const unique = (what: string) => `${what} ${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];
const student = (): Identity => ({ role: 'APPLICANT', sub: unique('student').replace(' ', '-') });
const coordinator = (): Identity => ({ role: 'COORDINATOR', sub: unique('coordinator').replace(' ', '-'), units: ['00000000-0000-4000-8000-000000000001'] });

function sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
  return (hub.hub.orm.em.fork() as EntityManager).execute<T[]>(query, params);
}

async function content(input: Omit<CreateContentInput, 'title'>, publish = true): Promise<string> {
  const created = await hub.request(RegistrationCreateContentDocument, { input: { title: { en: unique('Conference') }, ...input } }, STAFF);
  expect(created.errors).toBeUndefined();
  const { id, version } = created.data!.createContent;
  if (publish) {
    const published = await hub.request(RegistrationPublishContentDocument, { id, version }, STAFF);
    expect(published.errors).toBeUndefined();
  }
  return id;
}

const conference = (publish = true) =>
  content(
    {
      type: 'ANNOUNCEMENT',
      announcement: { kind: 'CONFERENCE', startsAt: hoursFromNow(24 * 30), endsAt: hoursFromNow(24 * 33), organiserName: 'EAIE', timeZone: 'Europe/Lisbon' },
    },
    publish,
  );

const externalEvent = () =>
  content({
    type: 'EVENT',
    event: {
      kind: 'SEMINAR',
      startsAt: hoursFromNow(24 * 20),
      endsAt: hoursFromNow(24 * 20 + 3),
      timeZone: 'Europe/Berlin',
      organiserKind: 'EXTERNAL',
      organiserName: 'DAAD',
    },
  });

function request(contentId: string, input: Partial<RequestParticipationInput> = {}): RequestParticipationInput {
  return { contentId, role: 'STUDENT', requesterName: 'Elif Demir', requesterEmail: 'elif@student.example.edu', purpose: 'Present my poster', ...input };
}

async function requestAs(who: Identity, contentId: string, input: Partial<RequestParticipationInput> = {}) {
  const res = await hub.request(ParticipationRequestDocument, { input: request(contentId, input) }, who);
  expect(res.errors).toBeUndefined();
  return res.data!.requestParticipation;
}

describe('participation requests', () => {
  it('a student requests, the office approves, the approved list shows it and the student sees the decision', async () => {
    const conferenceId = await conference();
    const elif = student();
    const requested = await requestAs(elif, conferenceId, { fundingRequested: '1250.5', fundingCurrency: 'EUR' });
    expect(requested).toMatchObject({
      status: 'PENDING',
      version: 1,
      role: 'STUDENT',
      requesterName: 'Elif Demir',
      fundingRequested: '1250.50',
      fundingCurrency: 'EUR',
      decisionNote: null,
      content: { id: conferenceId },
    });

    const pending = await hub.request(ParticipationListDocument, { filter: { contentId: conferenceId, statuses: ['PENDING'] } }, STAFF);
    expect(pending.data!.participationRequests.nodes.map((r) => r.id)).toEqual([requested.id]);

    const decided = await hub.request(
      ParticipationDecideDocument,
      { input: { id: requested.id, version: requested.version, approve: true, note: 'Funded up to 1000 EUR' } },
      STAFF,
    );
    expect(decided.errors).toBeUndefined();
    expect(decided.data!.decideParticipationRequest).toMatchObject({ status: 'APPROVED', version: 2, decidedBy: 'staff-decider', decisionNote: 'Funded up to 1000 EUR' });
    expect(decided.data!.decideParticipationRequest.decidedAt).toBeTruthy();

    const approved = await hub.request(ParticipationApprovedDocument, { id: conferenceId }, STAFF);
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.content).toMatchObject({
      approvedParticipants: [{ id: requested.id, requesterName: 'Elif Demir', status: 'APPROVED' }],
      participationRequestCount: 1,
    });

    const mine = await hub.request(ParticipationMineDocument, {}, elif);
    expect(mine.data!.myParticipationRequests.nodes).toEqual([
      expect.objectContaining({ id: requested.id, status: 'APPROVED', decisionNote: 'Funded up to 1000 EUR' }),
    ]);
    expect((await hub.request(ParticipationNodeDocument, { id: requested.id }, elif)).data!.node).toMatchObject({ status: 'APPROVED', decisionNote: 'Funded up to 1000 EUR' });

    // The database holds who asked; the outbox only what happened.
    const [row] = await sql<{ requester_subject: string; status: string; decided_by: string }>(
      `select requester_subject, status, decided_by from participation_request where id = ?`,
      [uuidOf(requested.id)],
    );
    expect(row).toEqual({ requester_subject: elif.sub, status: 'APPROVED', decided_by: 'staff-decider' });
    const events = await sql<{ type: string; payload: string }>(`select type, payload::text as payload from outbox_event where aggregate_id = ? order by id`, [
      uuidOf(requested.id),
    ]);
    expect(events.map((e) => e.type)).toEqual(['participationRequest.requested', 'participationRequest.decided']);
    expect(events.every((e) => !e.payload.includes('Elif') && !e.payload.includes('@'))).toBe(true);
  });

  it('shows each requester only their own requests', async () => {
    const conferenceId = await conference();
    const [a, b] = [student(), student()];
    const mineA = await requestAs(a, conferenceId);
    await requestAs(b, conferenceId, { requesterName: 'Someone Else' });
    const listA = await hub.request(ParticipationMineDocument, {}, a);
    expect(listA.data!.myParticipationRequests.nodes.map((r) => r.id)).toEqual([mineA.id]);
    expect((await hub.request(ParticipationNodeDocument, { id: mineA.id }, b)).data!.node).toBeNull();
    expect((await hub.request(ParticipationNodeDocument, { id: mineA.id })).data!.node).toBeNull();
    const officeOnly = await hub.request(ParticipationListDocument, {}, a);
    expect(officeOnly.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses a duplicate open request, and takes a new one after the first is withdrawn', async () => {
    const conferenceId = await conference();
    const elif = student();
    const first = await requestAs(elif, conferenceId);
    const again = await hub.request(ParticipationRequestDocument, { input: request(conferenceId) }, elif);
    expect(again.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_REQUESTED', requestId: first.id });

    const someoneElse = await hub.request(ParticipationWithdrawDocument, { id: first.id, version: first.version }, student());
    expect(someoneElse.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    const withdrawn = await hub.request(ParticipationWithdrawDocument, { id: first.id, version: first.version }, elif);
    expect(withdrawn.data!.withdrawParticipationRequest).toMatchObject({ status: 'WITHDRAWN', version: 2 });
    const twice = await hub.request(ParticipationWithdrawDocument, { id: first.id, version: 2 }, elif);
    expect(twice.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'WITHDRAWN', allowed: [] });

    expect((await requestAs(elif, conferenceId)).status).toBe('PENDING');
    const rows = await sql<{ status: string }>(`select status from participation_request where content_id = ? order by created_at`, [uuidOf(conferenceId)]);
    expect(rows.map((r) => r.status)).toEqual(['WITHDRAWN', 'PENDING']);
  });

  it('refuses requests for a non-conference (NOT_A_CONFERENCE) and for what the requester cannot see (NOT_FOUND)', async () => {
    const news = await content({ type: 'ANNOUNCEMENT', announcement: { kind: 'NEWS' } });
    const officeEvent = await content({
      type: 'EVENT',
      event: { kind: 'WORKSHOP', startsAt: hoursFromNow(100), endsAt: hoursFromNow(102), timeZone: 'Europe/Istanbul', organiserKind: 'OFFICE' },
    });
    const draftConference = await conference(false);
    const elif = student();
    for (const id of [news, officeEvent]) {
      const res = await hub.request(ParticipationRequestDocument, { input: request(id) }, elif);
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'NOT_A_CONFERENCE', field: 'contentId' });
    }
    const draft = await hub.request(ParticipationRequestDocument, { input: request(draftConference) }, elif);
    expect(draft.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'contentId' });
    expect(await sql(`select 1 from participation_request where content_id in (?, ?, ?)`, [uuidOf(news), uuidOf(officeEvent), uuidOf(draftConference)])).toEqual([]);
  });

  it('takes requests for events partners or others organise, with funding only together with its currency', async () => {
    const eventId = await externalEvent();
    const staffMember: Identity = { role: 'STAFF', sub: unique('lecturer').replace(' ', '-') };
    const noCurrency = await hub.request(ParticipationRequestDocument, { input: request(eventId, { role: 'ACADEMIC_STAFF', fundingRequested: '300' }) }, staffMember);
    expect(noCurrency.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CURRENCY_REQUIRED', field: 'fundingCurrency' });
    const tooMuch = await hub.request(
      ParticipationRequestDocument,
      { input: request(eventId, { role: 'ACADEMIC_STAFF', fundingRequested: '1000000000.01', fundingCurrency: 'EUR' }) },
      staffMember,
    );
    expect(tooMuch.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fundingRequested' });
    const ok = await requestAs(staffMember, eventId, { role: 'ACADEMIC_STAFF', fundingRequested: '300', fundingCurrency: 'EUR' });
    expect(ok).toMatchObject({ status: 'PENDING', role: 'ACADEMIC_STAFF', fundingRequested: '300.00', content: { id: eventId } });
    // An applicant asks as a student.
    const asStaff = await hub.request(ParticipationRequestDocument, { input: request(eventId, { role: 'ACADEMIC_STAFF' }) }, student());
    expect(asStaff.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'ROLE_NOT_ALLOWED', field: 'role' });
  });

  it('refuses visitors (UNAUTHENTICATED)', async () => {
    const conferenceId = await conference();
    const res = await hub.request(ParticipationRequestDocument, { input: request(conferenceId) });
    expect(res.errors![0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    const mine = await hub.request(ParticipationMineDocument, {});
    expect(mine.errors![0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('a coordinator cannot decide; the office decides a pending request once, with the version it read', async () => {
    const conferenceId = await conference();
    const pending = await requestAs(coordinator(), conferenceId, { role: 'ADMINISTRATIVE_STAFF' });
    for (const who of [coordinator(), student()]) {
      const refused = await hub.request(ParticipationDecideDocument, { input: { id: pending.id, version: 1, approve: true } }, who);
      expect(refused.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    }
    const stale = await hub.request(ParticipationDecideDocument, { input: { id: pending.id, version: 7, approve: false } }, STAFF);
    expect(stale.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });
    const rejected = await hub.request(ParticipationDecideDocument, { input: { id: pending.id, version: 1, approve: false, note: 'No budget left' } }, STAFF);
    expect(rejected.data!.decideParticipationRequest).toMatchObject({ status: 'REJECTED', decisionNote: 'No budget left' });
    const again = await hub.request(ParticipationDecideDocument, { input: { id: pending.id, version: 2, approve: true } }, STAFF);
    expect(again.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'REJECTED', to: 'APPROVED', allowed: [] });
    const rows = await sql<{ status: string }>(`select status from participation_request where id = ?`, [uuidOf(pending.id)]);
    expect(rows).toEqual([{ status: 'REJECTED' }]);
  });

  it('shows approved participants and request counts to the office only', async () => {
    const conferenceId = await conference();
    await requestAs(student(), conferenceId);
    for (const [who, code] of [
      [undefined, 'UNAUTHENTICATED'],
      [student(), 'FORBIDDEN'],
      [coordinator(), 'FORBIDDEN'],
    ] as [Identity | undefined, string][]) {
      const res = await hub.request(ParticipationApprovedDocument, { id: conferenceId }, who);
      expect(res.errors![0].extensions).toMatchObject({ code });
    }
    const office = await hub.request(ParticipationApprovedDocument, { id: conferenceId }, STAFF);
    expect(office.data!.content).toMatchObject({ approvedParticipants: [], participationRequestCount: 1 });
  });
});
