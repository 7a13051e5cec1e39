import {
  DirectoryAddContactDocument,
  DirectoryCreateInstitutionDocument,
  DirectoryInstitutionByIdentifierDocument,
  DirectoryInstitutionContactsDocument,
  DirectoryInstitutionDocument,
  DirectoryInstitutionInternalNoteDocument,
  DirectoryInstitutionsDocument,
  DirectoryInstitutionsWithContactsDocument,
  DirectoryRemoveContactDocument,
  DirectoryUpdateContactDocument,
  DirectoryUpdateInstitutionDocument,
  type CreateInstitutionInput,
} from '../generated/graphql';
import { startTestHub, type GraphQLResponse, type TestHub } from '../support/hub';

let hub: TestHub;
const STAFF = { role: 'STAFF' as const };
const APPLICANT = { role: 'APPLICANT' as const };
/** A coordinator of some unit: coordinators have no business in the office's directory. */
const COORDINATOR = { role: 'COORDINATOR' as const, units: ['00000000-0000-4000-8000-000000000001'] };

// Identifiers are unique across the directory and the database is shared with other test files: every
// identifier and name below carries letters and digits drawn for this run.
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const randomLetters = (n: number) => Array.from({ length: n }, () => LETTERS[Math.floor(Math.random() * 26)]).join('');
const randomDigits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');
const RUN = randomLetters(5).toLowerCase();
let sequence = 0;
/** A fresh tag for names and domains (lower-case letters). */
const tag = () => `${RUN}${LETTERS[sequence % 26].toLowerCase()}${LETTERS[Math.floor(sequence++ / 26) % 26].toLowerCase()}`;
/** A Berlin-style Erasmus city nobody else uses: BERLIN + two letters. */
const berlinCity = () => `BERLIN${randomLetters(2)}`;
/** An Erasmus city unlike any other (the search is typo-tolerant: BERLINAB07 would also find BERLINAC07). */
const randomCity = () => randomLetters(8);
const pic = () => `9${randomDigits(8)}`;
const oid = () => `E${randomDigits(8)}`;

function errorOf(res: GraphQLResponse<unknown>) {
  expect(res.errors).toBeDefined();
  return res.errors![0].extensions as Record<string, unknown>;
}

async function create(input: CreateInstitutionInput) {
  const res = await hub.request(DirectoryCreateInstitutionDocument, { input }, STAFF);
  expect(res.errors).toBeUndefined();
  return res.data!.createInstitution;
}

async function searchIds(search: string): Promise<string[]> {
  const res = await hub.request(DirectoryInstitutionsDocument, { first: 100, filter: { search } }, STAFF);
  expect(res.errors).toBeUndefined();
  return res.data!.institutions.nodes.map((n) => n.id);
}

async function countNamed(officialName: string): Promise<number> {
  const res = await hub.request(DirectoryInstitutionsDocument, { first: 0, filter: { search: officialName } }, STAFF);
  expect(res.errors).toBeUndefined();
  return res.data!.institutions.totalCount;
}

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

describe('createInstitution', () => {
  it('normalises the Erasmus code and the website as STAFF, and adds the website domain to emailDomains', async () => {
    const t = tag();
    const city = berlinCity();
    const created = await create({
      officialName: `Freie Testhochschule ${t}`,
      country: 'DE',
      city: 'Berlin',
      erasmusCode: `d ${city.toLowerCase()}99`,
      website: `www.${t}.example`,
      emailDomains: [`mail-${t}.example`],
    });
    expect(created).toMatchObject({
      officialName: `Freie Testhochschule ${t}`,
      name: `Freie Testhochschule ${t}`,
      kind: 'HEI',
      country: 'DE',
      erasmusCode: `D  ${city}99`,
      website: `https://www.${t}.example`,
      isHome: false,
      version: 1,
    });
    expect(created.emailDomains).toEqual([`mail-${t}.example`, `${t}.example`]);

    const read = await hub.request(DirectoryInstitutionDocument, { id: created.id });
    expect(read.data!.institution).toMatchObject({ erasmusCode: `D  ${city}99`, website: `https://www.${t}.example` });
  });

  it('refuses an Erasmus code that cannot be normalised with INVALID_ERASMUS_CODE naming the field, and writes nothing', async () => {
    const officialName = `Bad Code College ${tag()}`;
    const res = await hub.request(DirectoryCreateInstitutionDocument, { input: { officialName, country: 'DE', erasmusCode: 'QQ BERLIN01' } }, STAFF);
    expect(res.data).toBeNull();
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_ERASMUS_CODE', field: 'erasmusCode' });
    expect(await countNamed(officialName)).toBe(0);
  });

  it('refuses a malformed PIC or OID with VALIDATION_FAILED naming the field, and writes nothing', async () => {
    const officialName = `Bad Identifier College ${tag()}`;
    const badPic = await hub.request(DirectoryCreateInstitutionDocument, { input: { officialName, country: 'FR', pic: '12345' } }, STAFF);
    expect(errorOf(badPic)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED', field: 'pic' });
    const badOid = await hub.request(DirectoryCreateInstitutionDocument, { input: { officialName, country: 'FR', oid: 'X1234567' } }, STAFF);
    expect(errorOf(badOid)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED', field: 'oid' });
    const both = await hub.request(DirectoryCreateInstitutionDocument, { input: { officialName, country: 'FR', pic: 'abc', oid: 'E1' } }, STAFF);
    const fields = (errorOf(both).fields as { field: string }[]).map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['pic', 'oid']));
    expect(await countNamed(officialName)).toBe(0);
  });

  it('refuses an identifier another institution holds with CONFLICT IDENTIFIER_TAKEN, naming the field and the holder', async () => {
    const city = berlinCity();
    const holder = await create({ officialName: `Holder University ${tag()}`, country: 'DE', erasmusCode: `D ${city}42`, pic: pic(), oid: oid(), schacCode: `${tag()}.example` });

    const officialName = `Copycat University ${tag()}`;
    const samePic = await hub.request(DirectoryCreateInstitutionDocument, { input: { officialName, country: 'DE', pic: holder.pic! } }, STAFF);
    expect(errorOf(samePic)).toMatchObject({ code: 'CONFLICT', reason: 'IDENTIFIER_TAKEN', field: 'pic', holderId: holder.id });

    // The same Erasmus code in another spelling is the same code.
    const sameCode = await hub.request(DirectoryCreateInstitutionDocument, { input: { officialName, country: 'DE', erasmusCode: `d${city.toLowerCase()}42` } }, STAFF);
    expect(errorOf(sameCode)).toMatchObject({ code: 'CONFLICT', reason: 'IDENTIFIER_TAKEN', field: 'erasmusCode', holderId: holder.id });

    const sameOid = await hub.request(DirectoryCreateInstitutionDocument, { input: { officialName, country: 'DE', oid: holder.oid! } }, STAFF);
    expect(errorOf(sameOid)).toMatchObject({ code: 'CONFLICT', reason: 'IDENTIFIER_TAKEN', field: 'oid', holderId: holder.id });
    expect(await countNamed(officialName)).toBe(0);

    // An update that would take the identifier is refused the same way.
    const other = await create({ officialName, country: 'DE' });
    const update = await hub.request(DirectoryUpdateInstitutionDocument, { input: { id: other.id, version: 1, schacCode: holder.schacCode! } }, STAFF);
    expect(errorOf(update)).toMatchObject({ code: 'CONFLICT', reason: 'IDENTIFIER_TAKEN', field: 'schacCode', holderId: holder.id });
    const read = await hub.request(DirectoryInstitutionDocument, { id: other.id });
    expect(read.data!.institution).toMatchObject({ schacCode: null, version: 1 });
  });

  it('refuses visitors (UNAUTHENTICATED), applicants and coordinators (FORBIDDEN), and writes nothing', async () => {
    const officialName = `Uninvited Institute ${tag()}`;
    const input = { officialName, country: 'IT' };
    expect(errorOf(await hub.request(DirectoryCreateInstitutionDocument, { input })).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await hub.request(DirectoryCreateInstitutionDocument, { input }, APPLICANT)).code).toBe('FORBIDDEN');
    expect(errorOf(await hub.request(DirectoryCreateInstitutionDocument, { input }, COORDINATOR)).code).toBe('FORBIDDEN');
    expect(await countNamed(officialName)).toBe(0);
  });
});

describe('updateInstitution', () => {
  it('updates with the current version and refuses a stale one with VERSION_CONFLICT, keeping the first change', async () => {
    const t = tag();
    const created = await create({ officialName: `Versioned University ${t}`, country: 'NL' });
    const first = await hub.request(
      DirectoryUpdateInstitutionDocument,
      { input: { id: created.id, version: 1, city: 'Utrecht', website: `http://${t}.example/` } },
      STAFF,
    );
    expect(first.errors).toBeUndefined();
    expect(first.data!.updateInstitution).toMatchObject({ version: 2, city: 'Utrecht', website: `http://${t}.example`, emailDomains: [`${t}.example`] });

    const stale = await hub.request(DirectoryUpdateInstitutionDocument, { input: { id: created.id, version: 1, city: 'Leiden' } }, STAFF);
    expect(errorOf(stale)).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT', currentVersion: 2 });
    const read = await hub.request(DirectoryInstitutionDocument, { id: created.id });
    expect(read.data!.institution).toMatchObject({ city: 'Utrecht', version: 2 });
  });

  it('refuses visitors, applicants and coordinators', async () => {
    const created = await create({ officialName: `Guarded University ${tag()}`, country: 'NL' });
    const input = { id: created.id, version: 1, city: 'Delft' };
    expect(errorOf(await hub.request(DirectoryUpdateInstitutionDocument, { input })).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await hub.request(DirectoryUpdateInstitutionDocument, { input }, APPLICANT)).code).toBe('FORBIDDEN');
    expect(errorOf(await hub.request(DirectoryUpdateInstitutionDocument, { input }, COORDINATOR)).code).toBe('FORBIDDEN');
    expect((await hub.request(DirectoryInstitutionDocument, { id: created.id })).data!.institution).toMatchObject({ city: null, version: 1 });
  });
});

describe('searching the directory', () => {
  it('finds institutions by folded name: bogazici finds Boğaziçi, the typo humbolt finds Humboldt', async () => {
    const t = tag();
    const bogazici = await create({ officialName: `Boğaziçi Üniversitesi ${t}`, country: 'TR', city: 'İstanbul' });
    const humboldt = await create({ officialName: `Humboldt-Universität zu Berlin ${t}`, country: 'DE', city: 'Berlin' });

    const byFolded = await searchIds('bogazici');
    expect(byFolded).toContain(bogazici.id);
    expect(byFolded).not.toContain(humboldt.id);
    expect(await searchIds('BOĞAZİÇİ')).toContain(bogazici.id);

    const byTypo = await searchIds('humbolt');
    expect(byTypo).toContain(humboldt.id);
    expect(byTypo).not.toContain(bogazici.id);
  });

  it('finds an institution by any spelling of its Erasmus code and by its web domain', async () => {
    const t = tag();
    const city = randomCity();
    // A domain unlike the other tests' (they share this run's prefix, and the search is typo-tolerant).
    const domain = `${randomLetters(10).toLowerCase()}.example`;
    const created = await create({ officialName: `Codes University ${t}`, country: 'DE', erasmusCode: `D ${city}07`, website: `https://www.${domain}` });
    for (const spelling of [`d${city.toLowerCase()}07`, `D ${city}07`, `D  ${city}07`, `d-${city.toLowerCase()}07`]) {
      expect({ spelling, ids: await searchIds(spelling) }).toEqual({ spelling, ids: [created.id] });
    }
    expect(await searchIds(domain)).toEqual([created.id]);
    expect(await searchIds(`nothing-like-${randomLetters(10)}`)).toEqual([]);
  });

  it('institutionByIdentifier finds by compact and spaced Erasmus code, SCHAC code, PIC, OID and domain', async () => {
    const t = tag();
    const city = berlinCity();
    const created = await create({
      officialName: `Identifier University ${t}`,
      country: 'DE',
      erasmusCode: `D ${city}99`,
      schacCode: `uni-${t}.example`,
      pic: pic(),
      oid: oid(),
      website: `www.web-${t}.example`,
    });
    const identifiers = [
      `d${city.toLowerCase()}99`,
      `D ${city}99`,
      `uni-${t}.example`,
      created.pic!,
      created.oid!,
      created.oid!.toLowerCase(),
      `web-${t}.example`,
      `https://www.web-${t}.example/international`,
    ];
    for (const identifier of identifiers) {
      const res = await hub.request(DirectoryInstitutionByIdentifierDocument, { identifier }, STAFF);
      expect(res.errors).toBeUndefined();
      expect({ identifier, found: res.data!.institutionByIdentifier?.id }).toEqual({ identifier, found: created.id });
    }
    const unknown = await hub.request(DirectoryInstitutionByIdentifierDocument, { identifier: `D ${berlinCity()}98` }, STAFF);
    expect(unknown.data!.institutionByIdentifier).toBeNull();
  });

  it('institutionByIdentifier finds a compact Erasmus code whose prefix could be read two ways (aleoben01: A LEOBEN01, not AL EOBEN01)', async () => {
    const city = `L${randomLetters(5)}`;
    const austrian = await create({ officialName: `Montan University ${tag()}`, country: 'AT', erasmusCode: `A ${city}01` });
    expect(austrian.erasmusCode).toBe(`A  ${city}01`);
    for (const identifier of [`a${city.toLowerCase()}01`, `A${city}01`, `a ${city.toLowerCase()}01`]) {
      const res = await hub.request(DirectoryInstitutionByIdentifierDocument, { identifier }, STAFF);
      expect({ identifier, found: res.data!.institutionByIdentifier?.id }).toEqual({ identifier, found: austrian.id });
    }
  });

  it('refuses the directory list and the identifier lookup to visitors, applicants and coordinators', async () => {
    for (const [who, code] of [[undefined, 'UNAUTHENTICATED'], [APPLICANT, 'FORBIDDEN'], [COORDINATOR, 'FORBIDDEN']] as const) {
      const list = await hub.request(DirectoryInstitutionsDocument, { first: 5 }, who);
      expect(list.data).toBeNull();
      expect(errorOf(list).code).toBe(code);
      const lookup = await hub.request(DirectoryInstitutionByIdentifierDocument, { identifier: 'ornek.edu.tr' }, who);
      expect(errorOf(lookup).code).toBe(code);
    }
    const asStaff = await hub.request(DirectoryInstitutionsDocument, { first: 5 }, STAFF);
    expect(asStaff.errors).toBeUndefined();
  });
});

describe('field-level access', () => {
  it('resolves internalNote for the office only: null with UNAUTHENTICATED or FORBIDDEN for everyone else', async () => {
    const created = await create({ officialName: `Noted University ${tag()}`, country: 'PL', internalNote: 'Slow to answer e-mails' });

    const asPublic = await hub.request(DirectoryInstitutionInternalNoteDocument, { id: created.id });
    expect(asPublic.data!.institution).toMatchObject({ id: created.id, internalNote: null });
    expect(asPublic.errors![0]).toMatchObject({ path: ['institution', 'internalNote'], extensions: { code: 'UNAUTHENTICATED' } });

    for (const who of [APPLICANT, COORDINATOR]) {
      const res = await hub.request(DirectoryInstitutionInternalNoteDocument, { id: created.id }, who);
      expect(res.data!.institution!.internalNote).toBeNull();
      expect(res.errors![0]).toMatchObject({ path: ['institution', 'internalNote'], extensions: { code: 'FORBIDDEN' } });
    }

    for (const who of [STAFF, { role: 'ADMIN' as const }]) {
      const res = await hub.request(DirectoryInstitutionInternalNoteDocument, { id: created.id }, who);
      expect(res.errors).toBeUndefined();
      expect(res.data!.institution!.internalNote).toBe('Slow to answer e-mails');
    }
  });
});

describe('contact persons', () => {
  it('shows staff-only contacts to the office only; the public sees the others', async () => {
    const institution = await create({ officialName: `Contact University ${tag()}`, country: 'AT' });
    const open = await hub.request(
      DirectoryAddContactDocument,
      { input: { institutionId: institution.id, role: 'INTERNATIONAL_COORDINATOR', name: 'Anna Public', email: 'anna@uni.example', staffOnly: false } },
      STAFF,
    );
    expect(open.errors).toBeUndefined();
    expect(open.data!.addContactPerson).toMatchObject({ name: 'Anna Public', staffOnly: false, version: 1 });
    const hidden = await hub.request(
      DirectoryAddContactDocument,
      { input: { institutionId: institution.id, role: 'SIGNATORY', name: 'Rektor Hidden', phone: '+43 1 234 567', staffOnly: true } },
      STAFF,
    );
    expect(hidden.data!.addContactPerson).toMatchObject({ name: 'Rektor Hidden', staffOnly: true });

    const asPublic = await hub.request(DirectoryInstitutionContactsDocument, { id: institution.id });
    expect(asPublic.errors).toBeUndefined();
    expect(asPublic.data!.institution!.contacts.map((c) => c.name)).toEqual(['Anna Public']);
    const asApplicant = await hub.request(DirectoryInstitutionContactsDocument, { id: institution.id }, APPLICANT);
    expect(asApplicant.data!.institution!.contacts.map((c) => c.name)).toEqual(['Anna Public']);

    const asStaff = await hub.request(DirectoryInstitutionContactsDocument, { id: institution.id }, STAFF);
    expect(asStaff.data!.institution!.contacts.map((c) => c.name).sort()).toEqual(['Anna Public', 'Rektor Hidden']);
  });

  it('updates a contact with its version, refuses a stale version, and removes it', async () => {
    const institution = await create({ officialName: `Contact Edit University ${tag()}`, country: 'AT' });
    const added = await hub.request(
      DirectoryAddContactDocument,
      { input: { institutionId: institution.id, role: 'ADMISSIONS', name: 'Bernd Before', staffOnly: true } },
      STAFF,
    );
    const id = added.data!.addContactPerson.id;
    expect((await hub.request(DirectoryInstitutionContactsDocument, { id: institution.id })).data!.institution!.contacts).toEqual([]);

    const updated = await hub.request(
      DirectoryUpdateContactDocument,
      { id, version: 1, input: { name: 'Bernd After', email: 'bernd@uni.example', staffOnly: false } },
      STAFF,
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateContactPerson).toMatchObject({ id, name: 'Bernd After', email: 'bernd@uni.example', staffOnly: false, version: 2 });
    const publicNow = await hub.request(DirectoryInstitutionContactsDocument, { id: institution.id });
    expect(publicNow.data!.institution!.contacts).toEqual([expect.objectContaining({ id, name: 'Bernd After' })]);

    const stale = await hub.request(DirectoryUpdateContactDocument, { id, version: 1, input: { name: 'Bernd Stale' } }, STAFF);
    expect(errorOf(stale)).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT', currentVersion: 2 });

    const asCoordinator = await hub.request(DirectoryRemoveContactDocument, { id }, COORDINATOR);
    expect(errorOf(asCoordinator).code).toBe('FORBIDDEN');

    const removed = await hub.request(DirectoryRemoveContactDocument, { id }, STAFF);
    expect(removed.errors).toBeUndefined();
    expect(removed.data!.removeContactPerson).toBe(id);
    const staffNow = await hub.request(DirectoryInstitutionContactsDocument, { id: institution.id }, STAFF);
    expect(staffNow.data!.institution!.contacts).toEqual([]);
    const again = await hub.request(DirectoryRemoveContactDocument, { id }, STAFF);
    expect(errorOf(again).code).toBe('NOT_FOUND');
  });

  it('refuses contact changes to visitors, applicants and coordinators', async () => {
    const institution = await create({ officialName: `Contact Guard University ${tag()}`, country: 'AT' });
    const input = { institutionId: institution.id, role: 'OTHER' as const, name: 'Nobody Allowed' };
    expect(errorOf(await hub.request(DirectoryAddContactDocument, { input })).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await hub.request(DirectoryAddContactDocument, { input }, APPLICANT)).code).toBe('FORBIDDEN');
    expect(errorOf(await hub.request(DirectoryAddContactDocument, { input }, COORDINATOR)).code).toBe('FORBIDDEN');
    expect((await hub.request(DirectoryInstitutionContactsDocument, { id: institution.id }, STAFF)).data!.institution!.contacts).toEqual([]);
  });
});

describe('statement count', () => {
  it('runs the same number of SQL statements for institutions(first: 2) and (first: 20) with contacts selected', async () => {
    // Twenty-two institutions of our own, newest first, several with contacts.
    const created: string[] = [];
    for (let i = 0; i < 22; i++) {
      const institution = await create({ officialName: `Statement Count University ${tag()} ${i}`, country: 'BE' });
      created.unshift(institution.id);
      if (i % 3 === 0) {
        for (const staffOnly of [false, true]) {
          await hub.request(DirectoryAddContactDocument, { input: { institutionId: institution.id, role: 'OTHER', name: `Contact ${i}`, staffOnly } }, STAFF);
        }
      }
    }
    const orderBy = { field: 'CREATED_AT' as const, direction: 'DESC' as const };
    const small = await hub.request(DirectoryInstitutionsWithContactsDocument, { first: 2, orderBy }, STAFF);
    const large = await hub.request(DirectoryInstitutionsWithContactsDocument, { first: 20, orderBy }, STAFF);
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    expect(small.data!.institutions.nodes.map((n) => n.id)).toEqual(created.slice(0, 2));
    expect(large.data!.institutions.nodes.map((n) => n.id)).toEqual(created.slice(0, 20));
    expect(large.data!.institutions.nodes.filter((n) => n.contacts.length === 2).length).toBeGreaterThanOrEqual(6);
    expect(small.extensions!.sqlStatements).toBeGreaterThan(0);
    expect(large.extensions!.sqlStatements).toBe(small.extensions!.sqlStatements);
  });
});
