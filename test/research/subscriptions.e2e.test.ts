/**
 * Researchers' subscriptions to new calls by field and programme: one per person, changed in place; the live
 * `researchCallPublished` subscription over WebSocket delivers a published call only to those whose saved fields
 * match (an ISCED broad field hears its detailed fields; drafts are never heard); the alerts inbox lists the matching
 * calls published since one subscribed.
 */
import {
  RscAlertsDocument,
  RscCallPublishedDocument,
  RscCloseCallDocument,
  RscMySubscriptionDocument,
  RscPublishCallDocument,
  RscSubscribeDocument,
  RscUnsubscribeDocument,
  RscUpdateCallDocument,
  type RscCallPublishedSubscription,
} from '../generated/graphql';
import { startTestHub, subscribe, waitFor, type Identity, type TestHub } from '../support/hub';
import { DAY, errorOf, iso, keyword, ok, ResearchWorld, STAFF, uuidOf } from './research.support';

let hub: TestHub;
let world: ResearchWorld;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new ResearchWorld(hub).init();
});
afterAll(() => hub.close());

type Sub = ReturnType<typeof subscribe<RscCallPublishedSubscription, Record<string, never>>>;
const open: Sub[] = [];
afterEach(async () => {
  open.splice(0).forEach((s) => s.dispose());
  await waitFor(() => hub.hub.dispatcher.listenerCount === 0, 5000, 'the subscriptions to end');
});

async function follow(identity: Identity | undefined): Promise<Sub> {
  const sub = subscribe(await hub.ws(identity), RscCallPublishedDocument, {});
  open.push(sub);
  return sub;
}
const listening = (n: number) => waitFor(() => hub.hub.dispatcher.listenerCount >= n, 5000, 'the subscriptions to register');

async function subscribeTo(who: Identity, fields: string[], programmes: ('HORIZON_EUROPE' | 'ERC' | 'MSCA')[] = []) {
  return ok(await hub.request(RscSubscribeDocument, { input: { fields, programmes } }, who)).subscribeToResearchCalls;
}

describe('subscriptions', () => {
  it('keeps one subscription per person, changed in place, and removes it on request', async () => {
    const who = world.researcher('sub');
    expect(ok(await hub.request(RscMySubscriptionDocument, {}, who)).myResearchCallSubscription).toBeNull();
    const first = await subscribeTo(who, ['06', ' Artificial  Intelligence ', '06']);
    expect(first.fields).toEqual(['06', 'artificial intelligence']);
    expect(first.programmes).toEqual([]);
    const second = ok(await hub.request(RscSubscribeDocument, { input: { fields: ['0713'], programmes: ['ERC'], version: first.version } }, who)).subscribeToResearchCalls;
    expect(second).toMatchObject({ id: first.id, fields: ['0713'], programmes: ['ERC'], createdAt: first.createdAt });
    // A stale version is refused.
    expect(errorOf(await hub.request(RscSubscribeDocument, { input: { fields: ['07'], version: first.version } }, who))).toMatchObject({ reason: 'VERSION_CONFLICT' });
    const [{ n }] = await world.sql<{ n: number }>(`select count(*)::int as n from research_call_subscription where subject = ?`, [who.sub]);
    expect(n).toBe(1);
    expect(ok(await hub.request(RscUnsubscribeDocument, {}, who)).unsubscribeFromResearchCalls).toBe(true);
    expect(ok(await hub.request(RscUnsubscribeDocument, {}, who)).unsubscribeFromResearchCalls).toBe(false);
    expect(ok(await hub.request(RscMySubscriptionDocument, {}, who)).myResearchCallSubscription).toBeNull();
  });

  it('refuses empty or malformed subscriptions, and anonymous visitors', async () => {
    const who = world.researcher('bad');
    expect(errorOf(await hub.request(RscSubscribeDocument, { input: { fields: [], programmes: [] } }, who))).toMatchObject({ reason: 'SUBSCRIPTION_EMPTY' });
    expect(errorOf(await hub.request(RscSubscribeDocument, { input: { fields: ['06', 'No!'] } }, who))).toMatchObject({ reason: 'INVALID_FIELD', field: 'fields[1]' });
    expect(errorOf(await hub.request(RscSubscribeDocument, { input: { fields: Array.from({ length: 21 }, (_, i) => `k${i}x`) } }, who))).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(ok(await hub.request(RscMySubscriptionDocument, {}, who)).myResearchCallSubscription).toBeNull();
    expect(errorOf(await hub.request(RscSubscribeDocument, { input: { fields: ['06'] } }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(errorOf(await hub.request(RscAlertsDocument, {}))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(errorOf(await hub.request(RscAlertsDocument, {}, who))).toMatchObject({ code: 'NOT_FOUND', reason: 'NOT_SUBSCRIBED' });
  });
});

describe('researchCallPublished over WebSocket', () => {
  it('refuses anonymous visitors (UNAUTHENTICATED)', async () => {
    const sub = await follow(undefined);
    await waitFor(() => sub.error !== undefined || sub.results.length > 0, 5000, 'the refusal');
    const errors = (sub.error ?? sub.results[0]?.errors) as { extensions?: { code?: string } }[];
    expect(errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(hub.hub.dispatcher.listenerCount).toBe(0);
  });

  it('delivers a published call only to subscribers whose fields match (broad ISCED hears detailed), never drafts', async () => {
    const tag = keyword('robotics');
    const broad = world.researcher('broad');
    const detailed = world.researcher('detailed', 'COORDINATOR', ['ENG']);
    const byKeyword = world.researcher('keyword');
    const other = world.researcher('other');
    const ercOnly = world.researcher('erc');
    const none = world.researcher('none');
    await subscribeTo(broad, ['06']);
    await subscribeTo(detailed, ['0613']);
    await subscribeTo(byKeyword, [tag]);
    await subscribeTo(other, ['0222', 'history']);
    await subscribeTo(ercOnly, ['06'], ['ERC']);
    const subs = {
      broad: await follow(broad),
      detailed: await follow(detailed),
      byKeyword: await follow(byKeyword),
      other: await follow(other),
      ercOnly: await follow(ercOnly),
      none: await follow(none),
    };
    await listening(6);

    // A draft is heard by nobody; its publication is.
    const draft = await world.draft({ fields: ['0613', tag] });
    const edited = ok(await hub.request(RscUpdateCallDocument, { input: { id: draft.id, version: draft.version, title: { en: 'Edited draft' } } }, STAFF)).updateResearchCall;
    const published = ok(await hub.request(RscPublishCallDocument, { id: draft.id, version: edited.version }, STAFF)).publishResearchCall;

    const mine = (r: { data?: RscCallPublishedSubscription | null }) => r.data?.researchCallPublished.callId === draft.id;
    const b = (await subs.broad.nextWhere(mine)).data!.researchCallPublished;
    expect(b).toMatchObject({ callId: draft.id, programme: 'HORIZON_EUROPE', matchedFields: ['06'], call: { id: draft.id, status: 'PUBLISHED', topicIds: published.topicIds } });
    expect(b.fields).toEqual(['0613', tag]);
    expect((await subs.detailed.nextWhere(mine)).data!.researchCallPublished.matchedFields).toEqual(['0613']);
    expect((await subs.byKeyword.nextWhere(mine)).data!.researchCallPublished.matchedFields).toEqual([tag]);

    // Nobody heard of the draft before it was published: each first delivery is the publication.
    expect(subs.broad.results.filter(mine)).toHaveLength(1);
    // Those whose fields or programmes do not match hear nothing of it (a later call for them shows the stream works).
    const marker = await world.published({ programme: 'ERC', topicIds: [`ERC-2027-${uuidOf(draft.id).slice(0, 6).toUpperCase()}-ADG`], fields: ['0222', '0611'] });
    const isMarker = (r: { data?: RscCallPublishedSubscription | null }) => r.data?.researchCallPublished.callId === marker.id;
    await subs.other.nextWhere(isMarker);
    await subs.ercOnly.nextWhere(isMarker);
    expect(subs.other.results.some(mine)).toBe(false);
    expect(subs.ercOnly.results.some(mine)).toBe(false);
    expect(subs.none.results).toHaveLength(0);
  });

  it('follows a subscription changed or removed while connected', async () => {
    const who = world.researcher('changing');
    const field = keyword('photonics');
    await subscribeTo(who, ['0222']);
    const sub = await follow(who);
    await listening(1);
    const first = await world.published({ fields: [field] });
    await subscribeTo(who, [field]);
    const second = await world.published({ fields: [field] });
    const heard = await sub.nextWhere((r) => r.data?.researchCallPublished.callId === second.id);
    expect(heard.data!.researchCallPublished.matchedFields).toEqual([field]);
    expect(sub.results.some((r) => r.data?.researchCallPublished.callId === first.id)).toBe(false);
    ok(await hub.request(RscUnsubscribeDocument, {}, who));
    const third = await world.published({ fields: [field] });
    // A call heard by a still-subscribed listener shows the event went out; the unsubscribed one hears nothing.
    const witness = world.researcher('witness');
    await subscribeTo(witness, [field]);
    const w = await follow(witness);
    await listening(2);
    const fourth = await world.published({ fields: [field] });
    await w.nextWhere((r) => r.data?.researchCallPublished.callId === fourth.id);
    expect(sub.results.some((r) => [third.id, fourth.id].includes(r.data?.researchCallPublished.callId ?? ''))).toBe(false);
  });
});

describe('the alerts inbox', () => {
  it('lists matching calls published since one subscribed (closed ones kept), newest first, in pages', async () => {
    const field = keyword('batteries');
    const before = await world.published({ fields: [field] });
    const who = world.researcher('inbox');
    await subscribeTo(who, ['07', field], ['HORIZON_EUROPE']);
    const a = await world.published({ fields: [field], deadline: iso(40 * DAY) });
    const b = await world.published({ fields: ['0713'], deadline: iso(10 * DAY) });
    const wrongProgramme = await world.published({ programme: 'ERC', topicIds: [`ERC-2027-${uuidOf(a.id).slice(0, 6).toUpperCase()}-COG`], fields: [field] });
    const wrongField = await world.published({ fields: ['0222'] });
    const draft = await world.draft({ fields: [field] });
    const closedLater = await world.published({ fields: [field] });
    ok(await hub.request(RscCloseCallDocument, { id: closedLater.id, version: closedLater.version }, STAFF));

    const ours = new Set([before.id, a.id, b.id, wrongProgramme.id, wrongField.id, draft.id, closedLater.id]);
    const page1 = ok(await hub.request(RscAlertsDocument, { first: 2 }, who)).myResearchCallAlerts;
    const page2 = ok(await hub.request(RscAlertsDocument, { first: 50, after: page1.pageInfo.endCursor }, who)).myResearchCallAlerts;
    const all = [...page1.nodes, ...page2.nodes].map((n) => n.id).filter((id) => ours.has(id));
    expect(all).toEqual([closedLater.id, b.id, a.id]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(page1.totalCount).toBe(page1.nodes.length + page2.nodes.length);
    expect(errorOf(await hub.request(RscAlertsDocument, { first: 2, after: 'nonsense' }, who))).toMatchObject({ reason: 'INVALID_CURSOR' });
  });
});
