import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AddAssociationMembershipDocument,
  AssociationMembershipDocument,
  AssociationMembershipsDocument,
  AssociationMembershipsWithLatestLettersDocument,
  LogMembershipCorrespondenceDocument,
  MembershipCorrespondenceLogDocument,
  MembershipNodeDocument,
  MembershipRemindersDocument,
  MembershipSetupInstitutionDocument,
  UpdateAssociationMembershipDocument,
  type AddAssociationMembershipInput,
  type InstitutionKind,
  type MembershipCorrespondenceInput,
} from '../generated/graphql';
import { startTestHub, type Identity, type TestHub } from '../support/hub';

let hub: TestHub;
const STAFF: Identity = { role: 'STAFF' };
const ADMIN: Identity = { role: 'ADMIN' };
const OUTSIDERS: [string, Identity | undefined, string][] = [
  ['a visitor', undefined, 'UNAUTHENTICATED'],
  ['an applicant', { role: 'APPLICANT' }, 'FORBIDDEN'],
  ['a coordinator', { role: 'COORDINATOR', units: ['00000000-0000-4000-8000-000000000001'] }, 'FORBIDDEN'],
];

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

/** Names no other test (or test file) uses. */
const unique = (what: string) => `${what} ${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
/** The UTC date `offset` days from today, as the reminders count days. */
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];

function sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
  return (hub.hub.orm.em.fork() as EntityManager).execute<T[]>(query, params);
}
const count = async (query: string, params: unknown[] = []) => (await sql<{ n: number }>(`select count(*)::int as n from ${query}`, params))[0].n;
const institutionsNamed = (name: string) => count('institution where official_name = ?', [name]);
const membershipEvents = () => count(`outbox_event where type like 'membership.%'`);

async function institution(kind: InstitutionKind, officialName = unique(kind === 'ASSOCIATION' ? 'Network' : 'University')): Promise<string> {
  const res = await hub.request(MembershipSetupInstitutionDocument, { input: { officialName, country: 'BE', kind } }, STAFF);
  expect(res.errors).toBeUndefined();
  return res.data!.createInstitution.id;
}

async function addMembership(input: Partial<AddAssociationMembershipInput> = {}) {
  const res = await hub.request(
    AddAssociationMembershipDocument,
    { input: { association: { officialName: unique('Association'), country: 'NL' }, ...input } },
    STAFF,
  );
  expect(res.errors).toBeUndefined();
  return res.data!.addAssociationMembership;
}

async function setStatus(id: string, version: number, status: 'ACTIVE' | 'LAPSED' | 'CANCELLED' | 'APPLIED') {
  return hub.request(UpdateAssociationMembershipDocument, { input: { id, version, status } }, STAFF);
}

describe('adding memberships', () => {
  it('adds a membership of a new association, creating the association as an institution of kind ASSOCIATION in the same transaction', async () => {
    const officialName = unique('European University Association');
    const res = await hub.request(
      AddAssociationMembershipDocument,
      {
        input: {
          association: { officialName, country: 'BE', website: 'www.eua-test.example' },
          status: 'ACTIVE',
          annualFee: '4250',
          feeCurrency: 'EUR',
          memberSince: '2015-01-01',
          renewalDate: day(200),
          infoUpdateDueOn: day(100),
          responsibleContact: ' Ayşe Yılmaz ',
          notes: 'Institutional member, category B',
        },
      },
      STAFF,
    );
    expect(res.errors).toBeUndefined();
    const added = res.data!.addAssociationMembership;
    expect(added).toMatchObject({
      status: 'ACTIVE',
      annualFee: '4250.00',
      feeCurrency: 'EUR',
      memberSince: '2015-01-01',
      renewalDate: day(200),
      infoUpdateDueOn: day(100),
      responsibleContact: 'Ayşe Yılmaz',
      version: 1,
      association: { officialName, kind: 'ASSOCIATION', country: 'BE', website: 'https://www.eua-test.example' },
    });
    expect(await institutionsNamed(officialName)).toBe(1);

    // Both outbox events were written by one transaction.
    const events = await sql<{ type: string; txid: string; aggregate_version: number }>(
      `select type, txid::text as txid, aggregate_version from outbox_event where aggregate_id in (?, ?) order by id`,
      [uuidOf(added.id), uuidOf(added.association.id)],
    );
    expect(events.map((e) => e.type)).toEqual(['institution.created', 'membership.added']);
    expect(events[0].txid).toBe(events[1].txid);
    expect(events[1].aggregate_version).toBe(1);

    const read = await hub.request(AssociationMembershipDocument, { id: added.id }, STAFF);
    expect(read.data!.associationMembership).toEqual(added);
  });

  it('adds a membership of an association already in the directory, as APPLIED by default', async () => {
    const associationId = await institution('ASSOCIATION');
    const res = await hub.request(AddAssociationMembershipDocument, { input: { associationId } }, STAFF);
    expect(res.errors).toBeUndefined();
    expect(res.data!.addAssociationMembership).toMatchObject({ status: 'APPLIED', version: 1, annualFee: null, association: { id: associationId, kind: 'ASSOCIATION' } });
    expect(await count('association_membership where association_id = ?', [uuidOf(associationId)])).toBe(1);
  });

  it('refuses an institution that is not an association with NOT_AN_ASSOCIATION and writes nothing', async () => {
    const universityId = await institution('HEI');
    const events = await membershipEvents();
    const res = await hub.request(AddAssociationMembershipDocument, { input: { associationId: universityId, status: 'ACTIVE' } }, STAFF);
    expect(res.data).toBeNull();
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'NOT_AN_ASSOCIATION', field: 'associationId', kind: 'HEI' });
    expect(await count('association_membership where association_id = ?', [uuidOf(universityId)])).toBe(0);
    expect(await membershipEvents()).toBe(events);
  });

  it('refuses a second membership of the same association with CONFLICT / MEMBERSHIP_EXISTS naming the existing one', async () => {
    const associationId = await institution('ASSOCIATION');
    const first = await addMembership({ associationId, association: undefined });
    const events = await membershipEvents();
    const second = await hub.request(AddAssociationMembershipDocument, { input: { associationId, status: 'ACTIVE' } }, STAFF);
    expect(second.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'MEMBERSHIP_EXISTS', membershipId: first.id });
    expect(await count('association_membership where association_id = ?', [uuidOf(associationId)])).toBe(1);
    expect(await membershipEvents()).toBe(events);
  });

  it('refuses to add a new association whose name the directory already holds, and creates nothing', async () => {
    const officialName = unique('Network of Universities');
    const existing = await institution('ASSOCIATION', officialName);
    const res = await hub.request(AddAssociationMembershipDocument, { input: { association: { officialName: officialName.toLowerCase(), country: 'NL' } } }, STAFF);
    expect(res.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ASSOCIATION_EXISTS', holderId: existing, field: 'association.officialName' });
    expect(await count('institution where lower(official_name) = lower(?)', [officialName])).toBe(1);
  });

  it('needs exactly one of associationId and association', async () => {
    const associationId = await institution('ASSOCIATION');
    const officialName = unique('Association');
    const both = await hub.request(AddAssociationMembershipDocument, { input: { associationId, association: { officialName, country: 'BE' } } }, STAFF);
    expect(both.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'ASSOCIATION_REQUIRED', field: 'associationId' });
    const neither = await hub.request(AddAssociationMembershipDocument, { input: { status: 'ACTIVE' } }, STAFF);
    expect(neither.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'ASSOCIATION_REQUIRED' });
    expect(await institutionsNamed(officialName)).toBe(0);
    expect(await count('association_membership where association_id = ?', [uuidOf(associationId)])).toBe(0);
  });

  it('refuses to record a membership as CANCELLED from the start', async () => {
    const associationId = await institution('ASSOCIATION');
    const res = await hub.request(AddAssociationMembershipDocument, { input: { associationId, status: 'CANCELLED' } }, STAFF);
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_INITIAL_STATUS', field: 'status', allowed: ['APPLIED', 'ACTIVE', 'LAPSED'] });
    expect(await count('association_membership where association_id = ?', [uuidOf(associationId)])).toBe(0);
  });
});

describe('validation', () => {
  it('rejects a negative fee, a lower-case currency, impossible dates and a bad country, naming every field, and writes nothing', async () => {
    const officialName = unique('Association');
    const events = await membershipEvents();
    const res = await hub.request(
      AddAssociationMembershipDocument,
      {
        input: {
          association: { officialName, country: 'Belgium' },
          annualFee: '-5',
          feeCurrency: 'eur',
          memberSince: '28.11.2026',
          renewalDate: '2026-02-30',
          infoUpdateDueOn: '2026-12-01T10:00:00Z',
        },
      },
      STAFF,
    );
    expect(res.data).toBeNull();
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED' });
    const fields = (res.errors![0].extensions!.fields as { field: string }[]).map((f) => f.field);
    expect(new Set(fields)).toEqual(new Set(['association.country', 'annualFee', 'feeCurrency', 'memberSince', 'renewalDate', 'infoUpdateDueOn']));
    expect(await institutionsNamed(officialName)).toBe(0);
    expect(await membershipEvents()).toBe(events);
  });

  it('rejects a fee with three decimals and a currency that is not ISO 4217', async () => {
    const res = await hub.request(
      AddAssociationMembershipDocument,
      { input: { association: { officialName: unique('Association'), country: 'BE' }, annualFee: '10.555', feeCurrency: 'XYZ' } },
      STAFF,
    );
    const fields = (res.errors![0].extensions!.fields as { field: string; message: string }[]);
    expect(fields.map((f) => f.field).sort()).toEqual(['annualFee', 'feeCurrency']);
    expect(fields.find((f) => f.field === 'feeCurrency')!.message).toMatch(/ISO 4217/);
  });

  it('rejects a fee without its currency with CURRENCY_REQUIRED', async () => {
    const officialName = unique('Association');
    const res = await hub.request(AddAssociationMembershipDocument, { input: { association: { officialName, country: 'BE' }, annualFee: '100' } }, STAFF);
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CURRENCY_REQUIRED', field: 'feeCurrency' });
    expect(await institutionsNamed(officialName)).toBe(0);

    const membership = await addMembership({ annualFee: '100', feeCurrency: 'EUR' });
    const cleared = await hub.request(UpdateAssociationMembershipDocument, { input: { id: membership.id, version: 1, feeCurrency: null } }, STAFF);
    expect(cleared.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CURRENCY_REQUIRED', field: 'feeCurrency' });
    const read = await hub.request(AssociationMembershipDocument, { id: membership.id }, STAFF);
    expect(read.data!.associationMembership).toMatchObject({ feeCurrency: 'EUR', version: 1 });
  });

  it('names the nested field when the directory refuses the new association’s website', async () => {
    const officialName = unique('Association');
    const res = await hub.request(AddAssociationMembershipDocument, { input: { association: { officialName, country: 'BE', website: 'not a website' } } }, STAFF);
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'association.website' });
    expect(await institutionsNamed(officialName)).toBe(0);
  });

  it('rejects invalid update fields, naming them, and changes nothing', async () => {
    const membership = await addMembership({ annualFee: '100', feeCurrency: 'EUR' });
    const res = await hub.request(
      UpdateAssociationMembershipDocument,
      { input: { id: membership.id, version: 1, annualFee: '1,000', renewalDate: 'tomorrow', responsibleContact: '' } },
      STAFF,
    );
    const fields = (res.errors![0].extensions!.fields as { field: string }[]).map((f) => f.field);
    expect(new Set(fields)).toEqual(new Set(['annualFee', 'renewalDate', 'responsibleContact']));
    const read = await hub.request(AssociationMembershipDocument, { id: membership.id }, STAFF);
    expect(read.data!.associationMembership).toMatchObject({ annualFee: '100.00', version: 1 });
  });

  it('rejects invalid correspondence (bad date, empty subject, too many or too long attachments), naming the fields, and logs nothing', async () => {
    const membership = await addMembership();
    const tooMany = Array.from({ length: 21 }, (_, i) => `dms://letters/${i}`);
    const res = await hub.request(
      LogMembershipCorrespondenceDocument,
      { membershipId: membership.id, input: { date: '2026-13-01', direction: 'INCOMING', subject: '', attachments: tooMany } },
      STAFF,
    );
    const fields = (res.errors![0].extensions!.fields as { field: string }[]).map((f) => f.field);
    expect(new Set(fields)).toEqual(new Set(['date', 'subject', 'attachments']));
    const long = await hub.request(
      LogMembershipCorrespondenceDocument,
      { membershipId: membership.id, input: { date: day(0), direction: 'INCOMING', subject: 'Invoice', attachments: ['x'.repeat(501)] } },
      STAFF,
    );
    expect(long.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'attachments' });
    expect(await count('membership_correspondence where membership_id = ?', [uuidOf(membership.id)])).toBe(0);
  });

  it('accepts exactly 20 attachments of 500 characters', async () => {
    const membership = await addMembership();
    const attachments = Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(500, 'a'));
    const res = await hub.request(
      LogMembershipCorrespondenceDocument,
      { membershipId: membership.id, input: { date: day(0), direction: 'OUTGOING', subject: 'Documents', attachments } },
      STAFF,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.logMembershipCorrespondence.attachments).toEqual(attachments);
  });
});

describe('updates', () => {
  it('follows the allowed transitions APPLIED → ACTIVE → LAPSED → ACTIVE → CANCELLED, one version and one outbox event each', async () => {
    const membership = await addMembership();
    expect(membership.status).toBe('APPLIED');
    let version = 1;
    for (const status of ['ACTIVE', 'LAPSED', 'ACTIVE', 'CANCELLED'] as const) {
      const res = await setStatus(membership.id, version, status);
      expect(res.errors).toBeUndefined();
      expect(res.data!.updateAssociationMembership).toMatchObject({ status, version: version + 1 });
      version++;
    }
    const events = await sql<{ type: string; aggregate_version: number; payload: { from?: string; to?: string } }>(
      `select type, aggregate_version, payload from outbox_event where aggregate_id = ? order by id`,
      [uuidOf(membership.id)],
    );
    expect(events.map((e) => [e.type, e.aggregate_version, e.payload.from ?? null, e.payload.to ?? null])).toEqual([
      ['membership.added', 1, null, null],
      ['membership.updated', 2, 'APPLIED', 'ACTIVE'],
      ['membership.updated', 3, 'ACTIVE', 'LAPSED'],
      ['membership.updated', 4, 'LAPSED', 'ACTIVE'],
      ['membership.updated', 5, 'ACTIVE', 'CANCELLED'],
    ]);
  });

  it('allows APPLIED → CANCELLED', async () => {
    const membership = await addMembership();
    const res = await setStatus(membership.id, 1, 'CANCELLED');
    expect(res.data!.updateAssociationMembership).toMatchObject({ status: 'CANCELLED', version: 2 });
  });

  it('refuses invalid transitions with CONFLICT / INVALID_TRANSITION listing the allowed ones, and changes nothing', async () => {
    const applied = await addMembership();
    const skip = await setStatus(applied.id, 1, 'LAPSED');
    expect(skip.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'APPLIED', to: 'LAPSED', allowed: ['ACTIVE', 'CANCELLED'] });

    const active = await addMembership({ status: 'ACTIVE' });
    const back = await setStatus(active.id, 1, 'APPLIED');
    expect(back.errors![0].extensions).toMatchObject({ reason: 'INVALID_TRANSITION', allowed: ['LAPSED', 'CANCELLED'] });

    const lapsed = await addMembership({ status: 'LAPSED' });
    const reapply = await setStatus(lapsed.id, 1, 'APPLIED');
    expect(reapply.errors![0].extensions).toMatchObject({ reason: 'INVALID_TRANSITION', allowed: ['ACTIVE', 'CANCELLED'] });

    const cancelled = await setStatus(active.id, 1, 'CANCELLED');
    expect(cancelled.data!.updateAssociationMembership.version).toBe(2);
    const events = await membershipEvents();
    const revive = await hub.request(UpdateAssociationMembershipDocument, { input: { id: active.id, version: 2, status: 'ACTIVE', notes: 'rejoined' } }, STAFF);
    expect(revive.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'CANCELLED', allowed: [] });

    const read = await hub.request(AssociationMembershipDocument, { id: active.id }, STAFF);
    expect(read.data!.associationMembership).toMatchObject({ status: 'CANCELLED', version: 2, notes: null });
    expect((await hub.request(AssociationMembershipDocument, { id: applied.id }, STAFF)).data!.associationMembership).toMatchObject({ status: 'APPLIED', version: 1 });
    expect(await membershipEvents()).toBe(events);
  });

  it('refuses a stale version with CONFLICT / VERSION_CONFLICT instead of overwriting the newer change', async () => {
    const membership = await addMembership({ status: 'ACTIVE', annualFee: '1000', feeCurrency: 'EUR' });
    const first = await hub.request(UpdateAssociationMembershipDocument, { input: { id: membership.id, version: 1, annualFee: '1100.5' } }, STAFF);
    expect(first.data!.updateAssociationMembership).toMatchObject({ annualFee: '1100.50', version: 2 });
    const stale = await hub.request(UpdateAssociationMembershipDocument, { input: { id: membership.id, version: 1, annualFee: '900' } }, STAFF);
    expect(stale.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT', field: 'version', expectedVersion: 1, currentVersion: 2 });
    const read = await hub.request(AssociationMembershipDocument, { id: membership.id }, STAFF);
    expect(read.data!.associationMembership).toMatchObject({ annualFee: '1100.50', version: 2 });
  });

  it('changes the fields given, clears those sent as null, and keeps the others', async () => {
    const membership = await addMembership({ status: 'ACTIVE', renewalDate: day(90), infoUpdateDueOn: day(30), responsibleContact: 'Mehmet Demir', notes: 'n' });
    const res = await hub.request(
      UpdateAssociationMembershipDocument,
      { input: { id: membership.id, version: 1, renewalDate: day(455), infoUpdateDueOn: null, responsibleContact: 'Zeynep Kaya' } },
      STAFF,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateAssociationMembership).toMatchObject({
      status: 'ACTIVE',
      renewalDate: day(455),
      infoUpdateDueOn: null,
      responsibleContact: 'Zeynep Kaya',
      notes: 'n',
      version: 2,
    });
    const [event] = await sql<{ payload: { changed: string[] } }>(
      `select payload from outbox_event where aggregate_id = ? and type = 'membership.updated'`,
      [uuidOf(membership.id)],
    );
    expect(event.payload.changed.sort()).toEqual(['infoUpdateDueOn', 'renewalDate', 'responsibleContact']);
  });
});

describe('correspondence log', () => {
  const letters: MembershipCorrespondenceInput[] = [
    { date: '2026-03-10', direction: 'OUTGOING', subject: 'Membership application' },
    { date: '2026-09-01', direction: 'INCOMING', subject: 'Invoice 2027', body: 'Please find the invoice attached.', attachments: ['dms://invoices/2027-001.pdf'] },
    { date: '2026-04-02', direction: 'INCOMING', subject: 'Application accepted' },
    { date: '2026-09-01', direction: 'OUTGOING', subject: 'Invoice received' },
    { date: '2025-12-15', direction: 'INCOMING', subject: 'Welcome pack' },
  ];
  const newestFirst = ['Invoice received', 'Invoice 2027', 'Application accepted', 'Membership application', 'Welcome pack'];

  async function membershipWithLetters(): Promise<string> {
    const membership = await addMembership({ status: 'ACTIVE' });
    for (const letter of letters) {
      const res = await hub.request(LogMembershipCorrespondenceDocument, { membershipId: membership.id, input: { ...letter } }, STAFF);
      expect(res.errors).toBeUndefined();
    }
    return membership.id;
  }

  it('logs letters with their body and attachments, in the same transaction as a membership.correspondenceLogged event', async () => {
    const membership = await addMembership();
    const res = await hub.request(LogMembershipCorrespondenceDocument, { membershipId: membership.id, input: { ...letters[1] } }, STAFF);
    expect(res.errors).toBeUndefined();
    expect(res.data!.logMembershipCorrespondence).toMatchObject({
      date: '2026-09-01',
      direction: 'INCOMING',
      subject: 'Invoice 2027',
      body: 'Please find the invoice attached.',
      attachments: ['dms://invoices/2027-001.pdf'],
      membership: { id: membership.id, version: 1 },
    });
    const rows = await sql<{ event_tx: string; row_tx: string }>(
      `select e.txid::text as event_tx, (select xmin::text from membership_correspondence where membership_id = ?) as row_tx
         from outbox_event e where e.aggregate_id = ? and e.type = 'membership.correspondenceLogged'`,
      [uuidOf(membership.id), uuidOf(membership.id)],
    );
    expect(rows).toHaveLength(1);
    // xid8 of the event and the 32-bit xmin of the row name the same transaction.
    expect(BigInt(rows[0].event_tx) % 2n ** 32n).toBe(BigInt(rows[0].row_tx));
  });

  it('lists the log newest first: by date, then the later logged of the same date first', async () => {
    const id = await membershipWithLetters();
    const res = await hub.request(MembershipCorrespondenceLogDocument, { id, first: 10 }, STAFF);
    expect(res.errors).toBeUndefined();
    const log = res.data!.associationMembership!.correspondence;
    expect(log.edges.map((e) => e.node.subject)).toEqual(newestFirst);
    expect(log.totalCount).toBe(5);
    expect(log.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  });

  it('pages through the log with cursors, without overlap or gaps', async () => {
    const id = await membershipWithLetters();
    const seen: string[] = [];
    let after: string | null | undefined;
    for (let i = 0; i < 5; i++) {
      const res = await hub.request(MembershipCorrespondenceLogDocument, { id, first: 2, after }, STAFF);
      expect(res.errors).toBeUndefined();
      const log = res.data!.associationMembership!.correspondence;
      expect(log.totalCount).toBe(5);
      expect(log.pageInfo.hasPreviousPage).toBe(after !== undefined);
      seen.push(...log.edges.map((e) => e.node.subject));
      if (!log.pageInfo.hasNextPage) break;
      after = log.pageInfo.endCursor;
    }
    expect(seen).toEqual(newestFirst);
    const forged = await hub.request(MembershipCorrespondenceLogDocument, { id, first: 2, after: 'bm90LWEtY3Vyc29y' }, STAFF);
    expect(forged.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR', field: 'after' });
  });

  it('loads the latest letters of a page of memberships with the same number of SQL statements for 2 or 8 memberships', async () => {
    // The list runs oldest first: start the pages after every membership that exists now.
    let after: string | null | undefined;
    for (let more = true; more; ) {
      const page = await hub.request(AssociationMembershipsDocument, { first: 100, after }, STAFF);
      after = page.data!.associationMemberships.pageInfo.endCursor ?? after;
      more = page.data!.associationMemberships.pageInfo.hasNextPage;
    }
    for (let i = 0; i < 8; i++) await membershipWithLetters();
    const small = await hub.request(AssociationMembershipsWithLatestLettersDocument, { first: 2, after, letters: 3 }, STAFF);
    const large = await hub.request(AssociationMembershipsWithLatestLettersDocument, { first: 8, after, letters: 3 }, STAFF);
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    expect(large.data!.associationMemberships.nodes).toHaveLength(8);
    for (const m of large.data!.associationMemberships.nodes) {
      expect(m.correspondence.nodes.map((l) => l.subject)).toEqual(newestFirst.slice(0, 3));
    }
    expect(large.extensions!.sqlStatements).toBe(small.extensions!.sqlStatements);
  });

  it('refuses to log to an unknown membership with NOT_FOUND', async () => {
    const missing = Buffer.from('AssociationMembership:00000000-0000-4000-8000-000000000000').toString('base64url');
    const res = await hub.request(LogMembershipCorrespondenceDocument, { membershipId: missing, input: { ...letters[0] } }, STAFF);
    expect(res.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('reminders and filters', () => {
  /** Active memberships due at known offsets from today; one cancelled and one lapsed that are never reminded of. */
  async function dueMemberships() {
    const overdue = await addMembership({ status: 'ACTIVE', renewalDate: day(-10) });
    const infoSoon = await addMembership({ status: 'ACTIVE', infoUpdateDueOn: day(5), renewalDate: day(300) });
    const both = await addMembership({ status: 'APPLIED', renewalDate: day(20), infoUpdateDueOn: day(3) });
    const later = await addMembership({ status: 'ACTIVE', renewalDate: day(45) });
    const cancelled = await addMembership({ status: 'ACTIVE', renewalDate: day(1) });
    expect((await setStatus(cancelled.id, 1, 'CANCELLED')).errors).toBeUndefined();
    const lapsed = await addMembership({ status: 'LAPSED', renewalDate: day(-30) });
    return { overdue, infoSoon, both, later, cancelled, lapsed };
  }

  it('lists memberships due within N days, overdue ones included, soonest first, with reasons and due dates', async () => {
    const m = await dueMemberships();
    const res = await hub.request(MembershipRemindersDocument, { withinDays: 30 }, STAFF);
    expect(res.errors).toBeUndefined();
    const all = res.data!.membershipReminders;
    const dueDates = all.map((r) => r.dueOn);
    expect(dueDates).toEqual([...dueDates].sort());
    expect(all.every((r) => r.dueOn <= day(30) && ['APPLIED', 'ACTIVE'].includes(r.membership.status))).toBe(true);

    const mine = all.filter((r) => [m.overdue, m.infoSoon, m.both, m.later, m.cancelled, m.lapsed].some((x) => x.id === r.membership.id));
    expect(mine.map((r) => [r.membership.id, r.dueOn, r.daysLeft, r.overdue, r.reasons])).toEqual([
      [m.overdue.id, day(-10), -10, true, ['RENEWAL']],
      [m.both.id, day(3), 3, false, ['INFO_UPDATE', 'RENEWAL']],
      [m.infoSoon.id, day(5), 5, false, ['INFO_UPDATE']],
    ]);
  });

  it('widens with withinDays and defaults to 30 days', async () => {
    const m = await dueMemberships();
    const ids = (rs: { membership: { id: string } }[]) => rs.map((r) => r.membership.id);
    const wide = await hub.request(MembershipRemindersDocument, { withinDays: 60 }, STAFF);
    expect(ids(wide.data!.membershipReminders)).toEqual(expect.arrayContaining([m.overdue.id, m.both.id, m.infoSoon.id, m.later.id]));
    const narrow = await hub.request(MembershipRemindersDocument, { withinDays: 0 }, STAFF);
    expect(ids(narrow.data!.membershipReminders)).toContain(m.overdue.id);
    expect(ids(narrow.data!.membershipReminders)).not.toContain(m.both.id);
    const byDefault = await hub.request(MembershipRemindersDocument, {}, STAFF);
    const defaults = ids(byDefault.data!.membershipReminders);
    expect(defaults).toEqual(expect.arrayContaining([m.overdue.id, m.both.id, m.infoSoon.id]));
    expect(defaults).not.toContain(m.later.id);
    expect(defaults).not.toContain(m.cancelled.id);
    expect(defaults).not.toContain(m.lapsed.id);
    const negative = await hub.request(MembershipRemindersDocument, { withinDays: -1 }, STAFF);
    expect(negative.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'withinDays' });
  });

  it('filters the list by status, renewal window and information-update window', async () => {
    const m = await dueMemberships();
    const all = async (filter: object) => {
      const found: string[] = [];
      let after: string | null | undefined;
      do {
        const res = await hub.request(AssociationMembershipsDocument, { filter, first: 100, after }, STAFF);
        expect(res.errors).toBeUndefined();
        found.push(...res.data!.associationMemberships.nodes.map((n) => n.id));
        after = res.data!.associationMemberships.pageInfo.hasNextPage ? res.data!.associationMemberships.pageInfo.endCursor : null;
      } while (after);
      return found;
    };
    const renewal = await all({ renewalWithinDays: 30, statuses: ['ACTIVE', 'APPLIED'] });
    expect(renewal).toEqual(expect.arrayContaining([m.overdue.id, m.both.id]));
    for (const out of [m.infoSoon, m.later, m.cancelled, m.lapsed]) expect(renewal).not.toContain(out.id);

    const info = await all({ infoUpdateDueWithinDays: 7 });
    expect(info).toEqual(expect.arrayContaining([m.infoSoon.id, m.both.id]));
    for (const out of [m.overdue, m.later]) expect(info).not.toContain(out.id);

    const cancelled = await all({ statuses: ['CANCELLED'] });
    expect(cancelled).toContain(m.cancelled.id);
    expect(cancelled).not.toContain(m.overdue.id);
  });

  it('pages through memberships with cursors, without overlap, counting them all', async () => {
    for (let i = 0; i < 3; i++) await addMembership();
    const seen: string[] = [];
    let after: string | null | undefined;
    let total = 0;
    for (let i = 0; i < 100; i++) {
      const res = await hub.request(AssociationMembershipsDocument, { first: 3, after }, STAFF);
      const conn = res.data!.associationMemberships;
      total = conn.totalCount;
      seen.push(...conn.nodes.map((n) => n.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(total).toBeGreaterThanOrEqual(3);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });
});

describe('access', () => {
  it('refuses every query and mutation to visitors (UNAUTHENTICATED), applicants and coordinators (FORBIDDEN), and writes nothing', async () => {
    const membership = await addMembership({ status: 'ACTIVE', renewalDate: day(2) });
    const events = await membershipEvents();
    for (const [who, identity, code] of OUTSIDERS) {
      const officialName = unique('Association');
      const attempts = [
        await hub.request(AssociationMembershipsDocument, { first: 5 }, identity),
        await hub.request(AssociationMembershipDocument, { id: membership.id }, identity),
        await hub.request(MembershipRemindersDocument, { withinDays: 30 }, identity),
        await hub.request(AddAssociationMembershipDocument, { input: { association: { officialName, country: 'BE' } } }, identity),
        await hub.request(UpdateAssociationMembershipDocument, { input: { id: membership.id, version: 1, status: 'CANCELLED' } }, identity),
        await hub.request(
          LogMembershipCorrespondenceDocument,
          { membershipId: membership.id, input: { date: day(0), direction: 'INCOMING', subject: 'Hello' } },
          identity,
        ),
      ];
      for (const res of attempts) {
        expect([who, Object.values(res.data ?? {}).every((v) => v === null)]).toEqual([who, true]);
        expect([who, res.errors![0].extensions!.code]).toEqual([who, code]);
      }
      expect(await institutionsNamed(officialName)).toBe(0);
    }
    const read = await hub.request(AssociationMembershipDocument, { id: membership.id }, STAFF);
    expect(read.data!.associationMembership).toMatchObject({ status: 'ACTIVE', version: 1 });
    expect(await count('membership_correspondence where membership_id = ?', [uuidOf(membership.id)])).toBe(0);
    expect(await membershipEvents()).toBe(events);
  });

  it('lets ADMIN read and change memberships as STAFF does', async () => {
    const membership = await addMembership();
    const read = await hub.request(AssociationMembershipDocument, { id: membership.id }, ADMIN);
    expect(read.data!.associationMembership!.id).toBe(membership.id);
    const changed = await hub.request(UpdateAssociationMembershipDocument, { input: { id: membership.id, version: 1, status: 'ACTIVE' } }, ADMIN);
    expect(changed.data!.updateAssociationMembership).toMatchObject({ status: 'ACTIVE', version: 2 });
    const reminders = await hub.request(MembershipRemindersDocument, {}, ADMIN);
    expect(reminders.errors).toBeUndefined();
  });

  it('answers node(id) with the membership for the office and null for everyone else', async () => {
    const membership = await addMembership();
    const office = await hub.request(MembershipNodeDocument, { id: membership.id }, STAFF);
    expect(office.data!.node).toMatchObject({ __typename: 'AssociationMembership', id: membership.id, status: 'APPLIED' });
    for (const [, identity] of OUTSIDERS) {
      const res = await hub.request(MembershipNodeDocument, { id: membership.id }, identity);
      expect(res.errors).toBeUndefined();
      expect(res.data!.node).toBeNull();
    }
  });
});
