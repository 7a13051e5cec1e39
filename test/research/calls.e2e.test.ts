/**
 * Research calls: the office's lifecycle (draft, published, closed by hand or by the daily job), public reads
 * (anonymous visitors see published and closed calls only, filtered by programme, field and openness, sorted by the
 * last deadline), announcing a call on the website through the content module, and bad input refused whole.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { closeEndedCalls } from '../../src/modules/research/research-call.service';
import {
  RscAnnounceCallDocument,
  RscAnnouncementDocument,
  RscCallDocument,
  RscCallsDocument,
  RscCloseCallDocument,
  RscCreateCallDocument,
  RscNodeDocument,
  RscPublishCallDocument,
  RscUpdateCallDocument,
} from '../generated/graphql';
import { startTestHub, type TestHub } from '../support/hub';
import { DAY, errorOf, iso, keyword, ok, ResearchWorld, RUN, STAFF, topic, uuidOf } from './research.support';

let hub: TestHub;
let world: ResearchWorld;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new ResearchWorld(hub).init();
});
afterAll(() => hub.close());

const APPLICANT = { role: 'APPLICANT' as const, sub: `research-calls-applicant-${RUN}` };

describe('call lifecycle and public reads', () => {
  it('keeps drafts to the office; publishing makes a call public; closing by hand ends it', async () => {
    const draft = await world.draft({ secondStageDeadline: iso(90 * DAY), budgetTotal: '25000000', budgetPerProjectMin: '3000000', budgetPerProjectMax: '5000000' });
    expect(draft).toMatchObject({ status: 'DRAFT', currency: 'EUR', budgetTotal: '25000000.00', isOpen: false, announcement: null });
    expect(draft.closesAt).toBe(draft.secondStageDeadline);

    expect(ok(await hub.request(RscCallDocument, { id: draft.id })).researchCall).toBeNull();
    expect(ok(await hub.request(RscCallDocument, { id: draft.id }, APPLICANT)).researchCall).toBeNull();
    expect(ok(await hub.request(RscNodeDocument, { id: draft.id })).node).toBeNull();
    expect(ok(await hub.request(RscCallDocument, { id: draft.id }, STAFF)).researchCall).toMatchObject({ id: draft.id });

    // Others do not write calls.
    expect(errorOf(await hub.request(RscPublishCallDocument, { id: draft.id, version: draft.version }, APPLICANT))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(RscPublishCallDocument, { id: draft.id, version: draft.version }))).toMatchObject({ code: 'UNAUTHENTICATED' });

    const published = ok(await hub.request(RscPublishCallDocument, { id: draft.id, version: draft.version }, STAFF)).publishResearchCall;
    expect(published).toMatchObject({ status: 'PUBLISHED', isOpen: true });
    expect(published.publishedAt).toBeTruthy();
    expect(ok(await hub.request(RscCallDocument, { id: draft.id })).researchCall).toMatchObject({ id: draft.id, status: 'PUBLISHED', topicIds: draft.topicIds });
    expect(ok(await hub.request(RscNodeDocument, { id: draft.id })).node).toMatchObject({ __typename: 'ResearchCall' });

    // A stale version is refused; publishing twice is an invalid move.
    expect(errorOf(await hub.request(RscCloseCallDocument, { id: draft.id, version: draft.version }, STAFF))).toMatchObject({ reason: 'VERSION_CONFLICT' });
    expect(errorOf(await hub.request(RscPublishCallDocument, { id: draft.id, version: published.version }, STAFF))).toMatchObject({
      code: 'CONFLICT',
      reason: 'INVALID_CALL_TRANSITION',
    });

    const closed = ok(await hub.request(RscCloseCallDocument, { id: draft.id, version: published.version }, STAFF)).closeResearchCall;
    expect(closed).toMatchObject({ status: 'CLOSED', isOpen: false });
    expect(errorOf(await hub.request(RscUpdateCallDocument, { input: { id: draft.id, version: closed.version, title: { en: 'Later' } } }, STAFF))).toMatchObject({
      reason: 'CALL_CLOSED',
    });
    // Still public, as a closed call.
    expect(ok(await hub.request(RscCallDocument, { id: draft.id })).researchCall).toMatchObject({ status: 'CLOSED' });
  });

  it('lists published calls for visitors by programme, field (ISCED prefix; calls open to every field included) and openness, soonest last deadline first', async () => {
    const field = keyword('quantum');
    const later = await world.published({ deadline: iso(60 * DAY), fields: ['0533', field] });
    const sooner = await world.published({ deadline: iso(20 * DAY), fields: [field] });
    const erc = await world.published({ programme: 'ERC', topicIds: [`ERC-2027-${RUN}-STG`], deadline: iso(40 * DAY), fields: [field] });
    const hidden = await world.draft({ fields: [field] });
    const closed = await world.published({ deadline: iso(10 * DAY), fields: [field] });
    ok(await hub.request(RscCloseCallDocument, { id: closed.id, version: closed.version }, STAFF));
    // A bottom-up call names no field: it is open to every field, so a field filter keeps it.
    const anyField = await world.published({ deadline: iso(80 * DAY), fields: [] });
    const elsewhere = await world.published({ deadline: iso(15 * DAY), fields: ['0222'] });
    const ours = new Set([later.id, sooner.id, erc.id, hidden.id, closed.id, anyField.id, elsewhere.id]);
    const listed = async (filter: Record<string, unknown>) =>
      ok(await hub.request(RscCallsDocument, { filter, first: 100 })).researchCalls.nodes.map((n) => n.id).filter((id) => ours.has(id));

    expect(await listed({ field })).toEqual([closed.id, sooner.id, erc.id, later.id, anyField.id]);
    expect(await listed({ field, openOnly: true })).toEqual([sooner.id, erc.id, later.id, anyField.id]);
    expect(await listed({ field, programme: 'ERC' })).toEqual([erc.id]);

    // A broad ISCED field finds the detailed one.
    const broad = ok(await hub.request(RscCallsDocument, { filter: { field: '05', openOnly: true }, first: 100 })).researchCalls;
    expect(broad.nodes.map((n) => n.id)).toContain(later.id);
    expect(broad.nodes.map((n) => n.id)).not.toContain(sooner.id);

    // The office sees drafts and filters by status; visitors may not.
    const office = ok(await hub.request(RscCallsDocument, { filter: { field, statuses: ['DRAFT'] }, first: 50 }, STAFF)).researchCalls;
    expect(office.nodes.map((n) => n.id)).toEqual([hidden.id]);
    expect(errorOf(await hub.request(RscCallsDocument, { filter: { statuses: ['DRAFT'] } }))).toMatchObject({ code: 'FORBIDDEN' });

    // Public and anonymous: cacheable.
    const res = await hub.request(RscCallsDocument, { filter: { field }, first: 5 });
    expect(res.headers.get('cache-control')).toContain('public');
  });

  it('updates a published call (a new deadline moves closesAt) with its version', async () => {
    const call = await world.published();
    const updated = ok(
      await hub.request(RscUpdateCallDocument, { input: { id: call.id, version: call.version, deadline: iso(50 * DAY), links: ['https://ec.europa.eu/topic'] } }, STAFF),
    ).updateResearchCall;
    expect(updated.closesAt).toBe(updated.deadline);
    expect(new Date(updated.closesAt).getTime()).toBeGreaterThan(new Date(call.closesAt).getTime());
    expect(updated.links).toEqual(['https://ec.europa.eu/topic']);
    expect(updated.version).toBe(call.version + 1);
  });
});

describe('announcing on the website', () => {
  it('creates a published CALL announcement in both languages, tagged, linked to the call; a second time is refused', async () => {
    const draft = await world.draft({ description: { en: 'Cluster 4 call on edge AI.', tr: 'Uç yapay zekâ üzerine Küme 4 çağrısı.' } });
    // Drafts are not announced.
    expect(errorOf(await hub.request(RscAnnounceCallDocument, { id: draft.id, version: draft.version }, STAFF))).toMatchObject({
      code: 'CONFLICT',
      reason: 'CALL_NOT_PUBLISHED',
    });
    const call = ok(await hub.request(RscPublishCallDocument, { id: draft.id, version: draft.version }, STAFF)).publishResearchCall;
    expect(errorOf(await hub.request(RscAnnounceCallDocument, { id: call.id, version: call.version }, APPLICANT))).toMatchObject({ code: 'FORBIDDEN' });

    const announced = ok(await hub.request(RscAnnounceCallDocument, { id: call.id, version: call.version }, STAFF)).announceResearchCall;
    expect(announced.announcement).toMatchObject({ status: 'PUBLISHED' });
    expect(announced.announcement!.tags).toEqual(expect.arrayContaining(['horizon-europe', 'research-call']));

    // The website shows it to anyone, in both languages.
    const content = ok(await hub.request(RscAnnouncementDocument, { id: announced.announcement!.id })).content;
    expect(content).toMatchObject({ __typename: 'Announcement', status: 'PUBLISHED', kind: 'CALL', titleTranslations: call.titleTranslations });
    // And the call carries it for visitors too.
    expect(ok(await hub.request(RscCallDocument, { id: call.id })).researchCall!.announcement).toMatchObject({ id: announced.announcement!.id });

    const again = errorOf(await hub.request(RscAnnounceCallDocument, { id: call.id, version: announced.version }, STAFF));
    expect(again).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_ANNOUNCED', contentId: announced.announcement!.id });
    const [{ n }] = await world.sql<{ n: number }>(`select count(*)::int as n from content_item where title->>'en' = ?`, [call.titleTranslations.en]);
    expect(n).toBe(1);
  });
});

describe('the close-calls job', () => {
  it('closes published calls whose last deadline has passed, not drafts nor calls still open', async () => {
    const ended = await world.published({ deadline: iso(2 * DAY) });
    const stillOpen = await world.published({ deadline: iso(2 * DAY), secondStageDeadline: iso(40 * DAY) });
    const draft = await world.draft({ opensAt: iso(-10 * DAY), deadline: iso(-DAY) });
    // The Commission moved the deadline: the office records it (a date now past).
    ok(await hub.request(RscUpdateCallDocument, { input: { id: ended.id, version: ended.version, deadline: iso(-60_000) } }, STAFF));
    ok(await hub.request(RscUpdateCallDocument, { input: { id: stillOpen.id, version: stillOpen.version, deadline: iso(-60_000) } }, STAFF));

    const closed = await closeEndedCalls(hub.hub.orm.em.fork() as EntityManager);
    expect(closed).toBeGreaterThanOrEqual(1);
    const read = async (id: string) => ok(await hub.request(RscCallDocument, { id }, STAFF)).researchCall!;
    expect(await read(ended.id)).toMatchObject({ status: 'CLOSED' });
    expect((await read(ended.id)).closedAt).toBeTruthy();
    expect(await read(stillOpen.id)).toMatchObject({ status: 'PUBLISHED', isOpen: true });
    expect(await read(draft.id)).toMatchObject({ status: 'DRAFT' });
    const [event] = await world.sql<{ payload: { automatic: boolean; to: string } }>(
      `select payload from outbox_event where type = 'researchCall.changed' and aggregate_id = ? order by id desc limit 1`,
      [uuidOf(ended.id)],
    );
    expect(event.payload).toMatchObject({ automatic: true, to: 'CLOSED' });
    // Run again: nothing more to close among ours.
    await closeEndedCalls(hub.hub.orm.em.fork() as EntityManager);
    expect(await read(stillOpen.id)).toMatchObject({ status: 'PUBLISHED' });
  });

  it('refuses to publish a call whose last deadline has passed', async () => {
    const draft = await world.draft({ opensAt: iso(-10 * DAY), deadline: iso(-DAY) });
    expect(errorOf(await hub.request(RscPublishCallDocument, { id: draft.id, version: draft.version }, STAFF))).toMatchObject({
      code: 'CONFLICT',
      reason: 'DEADLINE_PASSED',
    });
    expect(ok(await hub.request(RscCallDocument, { id: draft.id }, STAFF)).researchCall).toMatchObject({ status: 'DRAFT', version: draft.version });
  });
});

describe('bad input', () => {
  const count = async (title: string) =>
    (await world.sql<{ n: number }>(`select count(*)::int as n from research_call where title->>'en' = ?`, [title]))[0].n;

  it.each([
    ['a malformed topic identifier', { topicIds: ['horizon cl5 2027'] }, 'BAD_USER_INPUT'],
    ['no topic identifier', { topicIds: [] }, 'BAD_USER_INPUT'],
    ['eleven topic identifiers', { topicIds: Array.from({ length: 11 }, () => topic()) }, 'BAD_USER_INPUT'],
    ['a deadline before the opening', { opensAt: iso(10 * DAY), deadline: iso(5 * DAY) }, 'INVALID_DEADLINES'],
    ['a second stage before the first', { deadline: iso(30 * DAY), secondStageDeadline: iso(20 * DAY) }, 'INVALID_DEADLINES'],
    ['a per-project range upside down', { budgetPerProjectMin: '5000000', budgetPerProjectMax: '1000000' }, 'INVALID_BUDGET'],
    ['a negative budget', { budgetTotal: '-5' }, 'BAD_USER_INPUT'],
    ['a field that is neither code nor keyword', { fields: ['Quantum!'] }, 'INVALID_FIELD'],
    ['a link that is not http(s)', { links: ['ftp://example.org/x'] }, 'INVALID_URL'],
    ['an unknown currency', { currency: 'EUX' }, 'BAD_USER_INPUT'],
    ['no title in any language', { title: { en: ' ' } }, 'TITLE_REQUIRED'],
  ])('refuses %s with a clear code and writes nothing', async (_what, overrides, code) => {
    const input = world.callInput(overrides as never);
    const title = (input.title as { en?: string }).en ?? '';
    const res = await hub.request(RscCreateCallDocument, { input }, STAFF);
    const error = errorOf(res);
    expect([error.code, error.reason]).toContain(code);
    expect(await count(title)).toBe(0);
  });

  it('leaves a call untouched when an update is refused half-way', async () => {
    const call = await world.draft();
    const res = await hub.request(
      RscUpdateCallDocument,
      { input: { id: call.id, version: call.version, title: { en: 'Renamed' }, deadline: iso(10 * DAY), secondStageDeadline: iso(5 * DAY) } },
      STAFF,
    );
    expect(errorOf(res)).toMatchObject({ reason: 'INVALID_DEADLINES', field: 'secondStageDeadline' });
    const now = ok(await hub.request(RscCallDocument, { id: call.id }, STAFF)).researchCall!;
    expect(now).toMatchObject({ version: call.version, title: call.title, deadline: call.deadline });
  });
});
