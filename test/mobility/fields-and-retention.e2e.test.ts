/**
 * The applicant's field of study (ISCED-F) against places and quotas limited to a field, and what catch-up says when
 * the outbox has pruned the events after a client's cursor.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { MobApplicationEventsDocument, MobCreateApplicationDocument } from '../generated/graphql';
import { startTestHub, type TestHub } from '../support/hub';
import { errorOf, MobilityWorld, ok, STAFF } from './mobility.support';

let hub: TestHub;
let world: MobilityWorld;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new MobilityWorld(hub).init();
});
afterAll(() => hub.close());

describe('the field of study', () => {
  it('refuses a place limited to another ISCED field, and accepts one of the same field or a broader code', async () => {
    const { call, places } = await world.callWithPlaces([{ country: 'DE', isced: '0613', capacity: 2 }]);
    const software = places[0].id;

    const other = await hub.request(
      MobCreateApplicationDocument,
      { input: world.applicationInput(call.id, { fieldOfStudy: '0311', preferences: [software] }) },
      world.applicant('economist'),
    );
    expect(errorOf(other)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PLACE_NOT_FOR_APPLICANT', field: 'preferences[0]' });
    expect(other.errors![0].message).toContain('ISCED fields 0613');

    const broad = await world.createApplication(world.applicant('broad'), call.id, { fieldOfStudy: '06', preferences: [software] });
    expect(broad).toMatchObject({ fieldOfStudy: '06', preferences: [{ rank: 1, place: { id: software } }] });
    const none = await world.createApplication(world.applicant('undeclared'), call.id, { preferences: [software] });
    expect(none.fieldOfStudy).toBeNull();
  });

  it('refuses a field of study that is not an ISCED-F code', async () => {
    const { call, places } = await world.callWithPlaces([{ country: 'FR' }]);
    const res = await hub.request(
      MobCreateApplicationDocument,
      { input: world.applicationInput(call.id, { fieldOfStudy: 'computer science', preferences: [places[0].id] }) },
      world.applicant('typo'),
    );
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(JSON.stringify(res.errors)).toContain('fieldOfStudy');
  });

  it("ranks an applicant in their field's quota before the unit's general one", async () => {
    const { call, places } = await world.callWithPlaces([{ country: 'NL', capacity: 3 }], {
      quotas: [
        { unitId: world.unit('ENG'), isced: '0613', places: 1 },
        { unitId: world.unit('ENG'), places: 1 },
      ],
    });
    const place = places[0].id;
    const first = await world.apply(world.applicant('software-1'), call.id, { fieldOfStudy: '0613', gpa: 3.8, preferences: [place] });
    const second = await world.apply(world.applicant('software-2'), call.id, { fieldOfStudy: '0613', gpa: 3.5, preferences: [place] });
    const civil = await world.apply(world.applicant('civil'), call.id, { fieldOfStudy: '0732', gpa: 2.6, preferences: [place] });
    await world.select(call.id);

    // The field's one place goes to the better software student; the second waits in that field's group even though
    // the unit's general place is still free; the civil engineer, ranked last overall, takes the general place.
    expect(await world.read(first.id)).toMatchObject({ status: 'SELECTED', placedAt: { id: place } });
    expect(await world.read(second.id)).toMatchObject({ status: 'RESERVE', reserveRank: 1, placedAt: null });
    expect(await world.read(civil.id)).toMatchObject({ status: 'SELECTED', placedAt: { id: place } });
  });
});

describe('catch-up after the outbox was pruned', () => {
  it('says complete until the events after the cursor may have been pruned, then false', async () => {
    const { call, places } = await world.callWithPlaces([{ country: 'AT' }]);
    const who = world.applicant('retention');
    const draft = await world.createApplication(who, call.id, { preferences: [places[0].id] });
    await world.submit(who, draft);

    const page = ok(await hub.request(MobApplicationEventsDocument, { callId: call.id }, STAFF)).applicationEvents;
    expect(page.events.map((e) => e.to)).toEqual(['DRAFT', 'SUBMITTED']);
    expect(page.complete).toBe(true);
    const cursor = page.events[0].cursor;
    const resumed = ok(await hub.request(MobApplicationEventsDocument, { callId: call.id, after: cursor }, STAFF)).applicationEvents;
    expect(resumed).toMatchObject({ complete: true, events: [{ to: 'SUBMITTED' }] });

    // What the pruning job does to events older than OUTBOX_RETENTION_DAYS, done here to everything up to the cursor.
    const [txid, id] = Buffer.from(cursor, 'base64url').toString().split(':');
    await (hub.hub.orm.em.fork() as EntityManager).execute(`delete from outbox_event where (txid, id) <= (?::xid8, ?::bigint)`, [txid, id]);

    const afterPrune = ok(await hub.request(MobApplicationEventsDocument, { callId: call.id, after: cursor }, STAFF)).applicationEvents;
    expect(afterPrune).toMatchObject({ complete: false, events: [{ to: 'SUBMITTED' }] });
  });
});
