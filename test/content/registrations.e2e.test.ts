import type { EntityManager } from '@mikro-orm/postgresql';
import { parse } from 'csv-parse/sync';
import { createHash } from 'node:crypto';
import {
  RegistrationCancelAsOfficeDocument,
  RegistrationCancelDocument,
  RegistrationCreateContentDocument,
  RegistrationCsvDocument,
  RegistrationEventPlacesDocument,
  RegistrationEventsWithPlacesDocument,
  RegistrationListDocument,
  RegistrationNodeDocument,
  RegistrationPublishContentDocument,
  RegistrationRegisterDocument,
  type OrganiserKind,
  type RegisterForEventInput,
  type RegistrationQuestionInput,
} from '../generated/graphql';
import { startTestHub, type Identity, type TestHub } from '../support/hub';

let hub: TestHub;
const STAFF: Identity = { role: 'STAFF' };
const OUTSIDERS: [string, Identity | undefined, string][] = [
  ['a visitor', undefined, 'UNAUTHENTICATED'],
  ['an applicant', { role: 'APPLICANT' }, 'FORBIDDEN'],
  ['a coordinator', { role: 'COORDINATOR', units: ['00000000-0000-4000-8000-000000000001'] }, 'FORBIDDEN'],
];

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const unique = (what: string) => `${what} ${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
const uniqueEmail = (who = 'guest') => `${who}.${Math.random().toString(36).slice(2, 10)}@example.org`;
const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
  return (hub.hub.orm.em.fork() as EntityManager).execute<T[]>(query, params);
}
const count = async (query: string, params: unknown[] = []) => (await sql<{ n: number }>(`select count(*)::int as n from ${query}`, params))[0].n;

interface EventOptions {
  capacity?: number | null;
  opensAt?: string;
  closesAt?: string;
  questions?: RegistrationQuestionInput[];
  publish?: boolean;
  tag?: string;
  organiserKind?: OrganiserKind;
}

/** An event the office organises, ten days from now, published unless asked otherwise. */
async function officeEvent(options: EventOptions = {}): Promise<string> {
  const created = await hub.request(
    RegistrationCreateContentDocument,
    {
      input: {
        type: 'EVENT',
        title: { en: unique('Erasmus+ information session'), tr: unique('Erasmus+ bilgilendirme toplantısı') },
        tags: options.tag ? [options.tag] : [],
        event: {
          kind: 'INFO_SESSION',
          startsAt: hoursFromNow(240),
          endsAt: hoursFromNow(242),
          timeZone: 'Europe/Istanbul',
          organiserKind: options.organiserKind ?? 'OFFICE',
          ...(options.organiserKind === 'EXTERNAL' ? { organiserName: 'Someone else' } : {}),
          capacity: options.capacity === undefined ? 50 : options.capacity,
          registrationOpensAt: options.opensAt,
          registrationClosesAt: options.closesAt,
          registrationQuestions: options.questions,
        },
      },
    },
    STAFF,
  );
  expect(created.errors).toBeUndefined();
  const { id, version } = created.data!.createContent;
  if (options.publish !== false) {
    const published = await hub.request(RegistrationPublishContentDocument, { id, version }, STAFF);
    expect(published.errors).toBeUndefined();
    expect(published.data!.publishContent.status).toBe('PUBLISHED');
  }
  return id;
}

function registration(eventId: string, input: Partial<RegisterForEventInput> = {}): RegisterForEventInput {
  return { eventId, name: 'Ayşe Yılmaz', email: uniqueEmail(), affiliation: 'Ankara University', consent: true, ...input };
}

async function register(eventId: string, input: Partial<RegisterForEventInput> = {}) {
  const res = await hub.request(RegistrationRegisterDocument, { input: registration(eventId, input) });
  expect(res.errors).toBeUndefined();
  return res.data!.registerForEvent;
}

async function officeList(eventId: string) {
  const res = await hub.request(RegistrationListDocument, { id: eventId, first: 100 }, STAFF);
  expect(res.errors).toBeUndefined();
  const event = res.data!.content as { registrations: { totalCount: number; nodes: RegistrationRow[] } };
  return event.registrations.nodes;
}
type RegistrationRow = {
  id: string;
  name: string;
  email: string;
  status: string;
  waitlistPosition?: number | null;
  promotedAt?: string | null;
  cancelledAt?: string | null;
  answers: { key: string; value: string }[];
};

async function places(eventId: string, as?: Identity) {
  const res = await hub.request(RegistrationEventPlacesDocument, { id: eventId }, as);
  expect(res.errors).toBeUndefined();
  return res.data!.content as { placesLeft: number | null; registeredCount: number; waitlistCount: number; registrationOpen: boolean };
}

describe('registering', () => {
  it('registers a visitor and returns a cancellation token that is stored only as a hash', async () => {
    const eventId = await officeEvent({ capacity: 10 });
    const email = uniqueEmail('ayse');
    const receipt = await register(eventId, { email: `  ${email.toUpperCase()} ` });
    expect(receipt).toMatchObject({ status: 'REGISTERED', position: null, event: { id: eventId, placesLeft: 9, registeredCount: 1, waitlistCount: 0, registrationOpen: true } });
    expect(receipt.cancellationToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const rows = await sql<{ id: string; email: string; email_normalised: string; cancel_token_hash: string; consent_at: Date; row: string }>(
      `select r.id, r.email, r.email_normalised, r.cancel_token_hash, r.consent_at, row_to_json(r)::text as row
         from event_registration r where r.event_id = ?`,
      [uuidOf(eventId)],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: email.toUpperCase(), email_normalised: email, cancel_token_hash: sha256(receipt.cancellationToken) });
    expect(rows[0].consent_at).toBeTruthy();
    expect(rows[0].row).not.toContain(receipt.cancellationToken);

    // The outbox announces the registration without personal data.
    const events = await sql<{ type: string; payload: string }>(`select type, payload::text as payload from outbox_event where aggregate_id = ?`, [rows[0].id]);
    expect(events.map((e) => e.type)).toEqual(['eventRegistration.created']);
    expect(JSON.parse(events[0].payload)).toEqual({ eventId: uuidOf(eventId), status: 'REGISTERED' });
    expect(events[0].payload).not.toContain('@');
  });

  it('puts the next registrant on the waitlist when the event is full, with position', async () => {
    const eventId = await officeEvent({ capacity: 2 });
    const receipts = [];
    for (let i = 0; i < 4; i++) receipts.push(await register(eventId, { name: `Person ${i}` }));
    expect(receipts.map((r) => [r.status, r.position])).toEqual([
      ['REGISTERED', null],
      ['REGISTERED', null],
      ['WAITLISTED', 1],
      ['WAITLISTED', 2],
    ]);
    expect(receipts[3].event).toMatchObject({ placesLeft: 0, registeredCount: 2, waitlistCount: 2, registrationOpen: true });
    expect((await officeList(eventId)).map((r) => [r.name, r.status, r.waitlistPosition])).toEqual([
      ['Person 0', 'REGISTERED', null],
      ['Person 1', 'REGISTERED', null],
      ['Person 2', 'WAITLISTED', 1],
      ['Person 3', 'WAITLISTED', 2],
    ]);
  });

  it('gives everyone a place at an event without capacity (unlimited places)', async () => {
    const eventId = await officeEvent({ capacity: null });
    for (let i = 0; i < 3; i++) expect(await register(eventId)).toMatchObject({ status: 'REGISTERED', position: null });
    expect(await places(eventId)).toMatchObject({ placesLeft: null, registeredCount: 3, waitlistCount: 0 });
  });

  it('refuses a second registration with the same email (different case/spaces) for the same event, but allows it after cancelling', async () => {
    const eventId = await officeEvent();
    const otherEventId = await officeEvent();
    const email = uniqueEmail('mehmet');
    const first = await register(eventId, { email });
    const again = await hub.request(RegistrationRegisterDocument, { input: registration(eventId, { email: ` ${email.toUpperCase()}  ` }) });
    expect(again.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_REGISTERED', field: 'email' });
    // Another event is another registration.
    await register(otherEventId, { email });

    await hub.request(RegistrationCancelDocument, { token: first.cancellationToken });
    const afterCancelling = await register(eventId, { email: email.toUpperCase() });
    expect(afterCancelling.status).toBe('REGISTERED');
    expect(await count(`event_registration where event_id = ? and email_normalised = ?`, [uuidOf(eventId), email])).toBe(2);
    expect(await count(`event_registration where event_id = ? and email_normalised = ? and status <> 'CANCELLED'`, [uuidOf(eventId), email])).toBe(1);
  });

  it('accepts one of several simultaneous registrations with the same address and refuses the others', async () => {
    const eventId = await officeEvent();
    const email = uniqueEmail('twice');
    const results = await Promise.all(
      [email, email.toUpperCase(), ` ${email}`, email].map((e) => hub.request(RegistrationRegisterDocument, { input: registration(eventId, { email: e }) })),
    );
    expect(results.filter((r) => r.errors === undefined)).toHaveLength(1);
    expect(results.filter((r) => r.errors?.[0].extensions?.reason === 'ALREADY_REGISTERED')).toHaveLength(3);
    expect(await count(`event_registration where event_id = ?`, [uuidOf(eventId)])).toBe(1);
  });

  it('refuses registration to a draft event (NOT_FOUND) and outside the window (REGISTRATION_CLOSED)', async () => {
    const draft = await officeEvent({ publish: false });
    const res = await hub.request(RegistrationRegisterDocument, { input: registration(draft) });
    expect(res.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'EVENT_NOT_FOUND', field: 'eventId' });

    const notYetOpen = await officeEvent({ opensAt: hoursFromNow(24) });
    const early = await hub.request(RegistrationRegisterDocument, { input: registration(notYetOpen) });
    expect(early.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'REGISTRATION_CLOSED' });
    expect((await places(notYetOpen)).registrationOpen).toBe(false);

    const alreadyClosed = await officeEvent({ opensAt: hoursFromNow(-48), closesAt: hoursFromNow(-1) });
    const late = await hub.request(RegistrationRegisterDocument, { input: registration(alreadyClosed) });
    expect(late.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'REGISTRATION_CLOSED' });
    expect((await places(alreadyClosed)).registrationOpen).toBe(false);

    expect(await count(`event_registration where event_id in (?, ?, ?)`, [uuidOf(draft), uuidOf(notYetOpen), uuidOf(alreadyClosed)])).toBe(0);
  });

  it('refuses registration to an event a partner or someone else organises (they take participation requests)', async () => {
    const external = await officeEvent({ organiserKind: 'EXTERNAL' });
    const res = await hub.request(RegistrationRegisterDocument, { input: registration(external) });
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'REGISTRATION_NOT_OFFERED' });
    expect((await places(external)).registrationOpen).toBe(false);
  });

  it('refuses missing consent and invalid answers with field', async () => {
    const eventId = await officeEvent({
      questions: [
        { key: 'diet', label: { en: 'Diet', tr: 'Beslenme' }, kind: 'CHOICE', required: true, options: ['none', 'vegetarian', 'vegan'] },
        { key: 'photos', label: { en: 'Photos allowed' }, kind: 'BOOLEAN' },
        { key: 'note', label: { en: 'Anything else' }, kind: 'TEXT' },
      ],
    });
    const refusal = async (input: Partial<RegisterForEventInput>) =>
      (await hub.request(RegistrationRegisterDocument, { input: registration(eventId, { answers: [{ key: 'diet', value: 'none' }], ...input }) }))
        .errors![0].extensions;

    expect(await refusal({ consent: false })).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CONSENT_REQUIRED', field: 'consent' });
    expect(await refusal({ answers: [] })).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_ANSWER', field: 'diet', problem: 'REQUIRED' });
    expect(await refusal({ answers: [{ key: 'diet', value: 'carnivore' }] })).toMatchObject({ reason: 'INVALID_ANSWER', field: 'diet', problem: 'NOT_AN_OPTION' });
    expect(await refusal({ answers: [{ key: 'diet', value: 'none' }, { key: 'photos', value: 'yes' }] })).toMatchObject({
      reason: 'INVALID_ANSWER',
      field: 'photos',
      problem: 'NOT_A_BOOLEAN',
    });
    expect(await refusal({ answers: [{ key: 'diet', value: 'none' }, { key: 'shoeSize', value: '42' }] })).toMatchObject({
      reason: 'INVALID_ANSWER',
      field: 'shoeSize',
      problem: 'UNKNOWN_QUESTION',
    });
    expect(await refusal({ answers: [{ key: 'diet', value: 'none' }, { key: 'note', value: 'x'.repeat(2001) }] })).toMatchObject({
      reason: 'INVALID_ANSWER',
      field: 'note',
      problem: 'TOO_LONG',
    });
    expect(await refusal({ email: 'not-an-address' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    expect(await refusal({ name: '   ' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(await count(`event_registration where event_id = ?`, [uuidOf(eventId)])).toBe(0);

    const ok = await register(eventId, { answers: [{ key: 'diet', value: 'vegan' }, { key: 'photos', value: 'false' }] });
    expect(ok.status).toBe('REGISTERED');
    const [row] = await officeList(eventId);
    expect(row.answers).toEqual([
      { key: 'diet', value: 'vegan' },
      { key: 'photos', value: 'false' },
    ]);
  });

  it('concurrent registrations for the last place never exceed capacity', async () => {
    const eventId = await officeEvent({ capacity: 3 });
    await register(eventId);
    await register(eventId);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => hub.request(RegistrationRegisterDocument, { input: registration(eventId, { name: `Racer ${i}` }) })),
    );
    expect(results.every((r) => r.errors === undefined)).toBe(true);
    const receipts = results.map((r) => r.data!.registerForEvent);
    expect(receipts.filter((r) => r.status === 'REGISTERED')).toHaveLength(1);
    expect(receipts.filter((r) => r.status === 'WAITLISTED').map((r) => r.position).sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await count(`event_registration where event_id = ? and status = 'REGISTERED'`, [uuidOf(eventId)])).toBe(3);
    expect(await count(`event_registration where event_id = ? and status = 'WAITLISTED'`, [uuidOf(eventId)])).toBe(7);
    // The waiting list's order is the order the registrations were accepted in.
    const list = await officeList(eventId);
    expect(list.filter((r) => r.status === 'WAITLISTED').map((r) => r.waitlistPosition)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('cancelling', () => {
  it('moves the first waitlisted person up when a registered person cancels with their token', async () => {
    const eventId = await officeEvent({ capacity: 1 });
    const first = await register(eventId, { name: 'First' });
    const second = await register(eventId, { name: 'Second' });
    await register(eventId, { name: 'Third' });
    expect([second.position]).toEqual([1]);

    const res = await hub.request(RegistrationCancelDocument, { token: first.cancellationToken });
    expect(res.errors).toBeUndefined();
    expect(res.data!.cancelEventRegistration).toMatchObject({ status: 'CANCELLED', event: { id: eventId, placesLeft: 0, registeredCount: 1, waitlistCount: 1 } });
    expect(res.data!.cancelEventRegistration.cancelledAt).toBeTruthy();

    const list = await officeList(eventId);
    expect(list.map((r) => [r.name, r.status, r.waitlistPosition])).toEqual([
      ['First', 'CANCELLED', null],
      ['Second', 'REGISTERED', null],
      ['Third', 'WAITLISTED', 1],
    ]);
    expect(list[0].cancelledAt).toBeTruthy();
    expect(list[1].promotedAt).toBeTruthy();
    expect(list[2].promotedAt).toBeNull();

    // Cancellation and promotion were written by one transaction.
    const events = await sql<{ type: string; aggregate_id: string; txid: string }>(
      `select type, aggregate_id::text as aggregate_id, txid::text as txid from outbox_event
        where type in ('eventRegistration.cancelled', 'eventRegistration.promoted') and aggregate_id in (?, ?) order by id`,
      [uuidOf(list[0].id), uuidOf(list[1].id)],
    );
    expect(events.map((e) => [e.type, e.aggregate_id])).toEqual([
      ['eventRegistration.cancelled', uuidOf(list[0].id)],
      ['eventRegistration.promoted', uuidOf(list[1].id)],
    ]);
    expect(events[0].txid).toBe(events[1].txid);

    const again = await hub.request(RegistrationCancelDocument, { token: first.cancellationToken });
    expect(again.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_CANCELLED' });
    const unknown = await hub.request(RegistrationCancelDocument, { token: 'A'.repeat(43) });
    expect(unknown.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'REGISTRATION_NOT_FOUND' });
  });

  it('moves nobody up when someone on the waiting list cancels', async () => {
    const eventId = await officeEvent({ capacity: 1 });
    await register(eventId, { name: 'Holder' });
    const waiting = await register(eventId, { name: 'Waiting' });
    await register(eventId, { name: 'Behind' });
    await hub.request(RegistrationCancelDocument, { token: waiting.cancellationToken });
    expect((await officeList(eventId)).map((r) => [r.name, r.status, r.waitlistPosition])).toEqual([
      ['Holder', 'REGISTERED', null],
      ['Waiting', 'CANCELLED', null],
      ['Behind', 'WAITLISTED', 1],
    ]);
  });

  it('lets the office cancel a registration, with the same move-up, and nobody else', async () => {
    const eventId = await officeEvent({ capacity: 1 });
    await register(eventId, { name: 'Holder' });
    await register(eventId, { name: 'Next' });
    const [holder] = await officeList(eventId);
    for (const [, who, code] of OUTSIDERS) {
      const refused = await hub.request(RegistrationCancelAsOfficeDocument, { id: holder.id }, who);
      expect(refused.errors![0].extensions).toMatchObject({ code });
    }
    const res = await hub.request(RegistrationCancelAsOfficeDocument, { id: holder.id }, STAFF);
    expect(res.data!.cancelEventRegistrationAsOffice).toMatchObject({ id: holder.id, status: 'CANCELLED' });
    expect((await officeList(eventId)).map((r) => [r.name, r.status])).toEqual([
      ['Holder', 'CANCELLED'],
      ['Next', 'REGISTERED'],
    ]);
  });
});

describe('office reads', () => {
  it('lists registrations and CSV for the office only (visitor/applicant/coordinator refused), CSV neutralises a name starting with =', async () => {
    const eventId = await officeEvent({
      capacity: 1,
      questions: [
        { key: 'diet', label: { en: 'Diet' }, kind: 'CHOICE', required: false, options: ['none', 'vegan'] },
        { key: 'photos', label: { en: 'Photos allowed' }, kind: 'BOOLEAN' },
      ],
    });
    await register(eventId, { name: '=HYPERLINK("http://evil.example","click")', email: 'formula@example.org', answers: [{ key: 'diet', value: 'vegan' }] });
    await register(eventId, { name: 'Zeynep Kaya', affiliation: null, answers: [{ key: 'photos', value: 'true' }] });

    for (const [, who, code] of OUTSIDERS) {
      const list = await hub.request(RegistrationListDocument, { id: eventId }, who);
      expect(list.errors![0].extensions).toMatchObject({ code });
      expect(JSON.stringify(list.data ?? {})).not.toContain('formula@example.org');
      const csv = await hub.request(RegistrationCsvDocument, { id: eventId }, who);
      expect(csv.errors![0].extensions).toMatchObject({ code });
      expect(JSON.stringify(csv.data ?? {})).not.toContain('formula@example.org');
    }

    const list = await hub.request(RegistrationListDocument, { id: eventId, status: ['WAITLISTED'] }, STAFF);
    const waitlisted = (list.data!.content as { registrations: { totalCount: number; nodes: RegistrationRow[] } }).registrations;
    expect(waitlisted.totalCount).toBe(1);
    expect(waitlisted.nodes.map((r) => [r.name, r.waitlistPosition])).toEqual([['Zeynep Kaya', 1]]);

    const res = await hub.request(RegistrationCsvDocument, { id: eventId, bom: true }, STAFF);
    expect(res.errors).toBeUndefined();
    const text = (res.data!.content as { registrationsCsv: string }).registrationsCsv;
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = parse(text.slice(1), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual(['name', 'email', 'affiliation', 'status', 'registeredAt', 'diet', 'photos']);
    expect(rows.map((r) => [r.name, r.email, r.status, r.diet, r.photos])).toEqual([
      [`'=HYPERLINK("http://evil.example","click")`, 'formula@example.org', 'REGISTERED', 'vegan', ''],
      ['Zeynep Kaya', expect.stringContaining('@example.org'), 'WAITLISTED', '', 'true'],
    ]);
    expect(rows[1].affiliation).toBe('');
    expect(Number.isNaN(Date.parse(rows[0].registeredAt))).toBe(false);
  });

  it('answers node(id) for a registration to the office only', async () => {
    const eventId = await officeEvent();
    const email = uniqueEmail();
    await register(eventId, { email });
    const [row] = await officeList(eventId);
    expect((await hub.request(RegistrationNodeDocument, { id: row.id }, STAFF)).data!.node).toMatchObject({ id: row.id, email });
    for (const [, who] of OUTSIDERS) {
      expect((await hub.request(RegistrationNodeDocument, { id: row.id }, who)).data!.node).toBeNull();
    }
  });

  it('public counts (placesLeft, waitlistCount) on an events list come from a constant number of SQL statements regardless of page size', async () => {
    const tag = unique('places').replace(' ', '-').toLowerCase();
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await officeEvent({ tag, capacity: i % 2 ? 1 : null }));
    for (const id of ids) {
      await register(id);
      await register(id);
    }
    const small = await hub.request(RegistrationEventsWithPlacesDocument, { tag, first: 2 });
    const large = await hub.request(RegistrationEventsWithPlacesDocument, { tag, first: 8 });
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    expect(large.data!.events.nodes).toHaveLength(8);
    for (const event of large.data!.events.nodes) {
      expect(event.registeredCount + event.waitlistCount).toBe(2);
      if (event.capacity === 1) expect(event).toMatchObject({ placesLeft: 0, registeredCount: 1, waitlistCount: 1 });
      else expect(event).toMatchObject({ placesLeft: null, registeredCount: 2, waitlistCount: 0 });
    }
    expect(small.extensions!.sqlStatements).toBeGreaterThan(0);
    expect(large.extensions!.sqlStatements).toBe(small.extensions!.sqlStatements);
  });
});
