import {
  AddUnitDocument,
  HomeInstitutionDocument,
  InstitutionUnitsDocument,
  PartnerSetupInstitutionDocument,
  NodeByIdDocument,
  RemoveUnitDocument,
  UnitChangedDocument,
  UnitDocument,
  UnitInternalNoteDocument,
  UnitsDocument,
  UnitsWithRelationsDocument,
  UnitsWithoutCountDocument,
  UpdateUnitDocument,
} from '../generated/graphql';
import { startTestHub, subscribe, waitFor, type TestHub } from '../support/hub';

let hub: TestHub;
let engId: string;
let cengId: string;
const STAFF = { role: 'STAFF' as const };
const unique = () => `T${Math.random().toString(36).slice(2, 8).toUpperCase()}`;

beforeAll(async () => {
  hub = await startTestHub();
  const res = await hub.request(UnitsDocument, { filter: { search: 'ENG' }, first: 50 });
  const byCode = new Map(res.data!.organisationalUnits.edges.map((e) => [e.node.code, e.node.id]));
  engId = byCode.get('ENG')!;
  cengId = byCode.get('ENG-CENG')!;
  expect(engId && cengId).toBeTruthy();
});
afterAll(() => hub.close());

/** The uuid inside a global ID, as tokens carry unit scopes. */
const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];

describe('public reads', () => {
  it('serves the seeded home institution with its faculties and departments in the requested language', async () => {
    const tr = await hub.request(HomeInstitutionDocument, { locale: 'tr' });
    expect(tr.errors).toBeUndefined();
    expect(tr.data!.homeInstitution.name).toBe('Örnek Üniversitesi');
    expect(tr.data!.homeInstitution.erasmusCode).toBe('TR ANKARA99');
    const eng = tr.data!.homeInstitution.topLevelUnits.find((u) => u.code === 'ENG')!;
    expect(eng.name).toBe('Mühendislik Fakültesi');
    expect(eng.children.map((c) => c.code)).toContain('ENG-CENG');

    const en = await hub.request(HomeInstitutionDocument, {}, undefined, { 'accept-language': 'en-GB,en;q=0.9' });
    expect(en.data!.homeInstitution.name).toBe('Örnek University');
  });

  it('pages through units with opaque cursors, without overlap, and counts them all', async () => {
    const seen: string[] = [];
    let after: string | null | undefined;
    let total = 0;
    for (let i = 0; i < 20; i++) {
      const page = await hub.request(UnitsDocument, { first: 7, after });
      expect(page.errors).toBeUndefined();
      const conn = page.data!.organisationalUnits;
      total = conn.totalCount;
      seen.push(...conn.edges.map((e) => e.node.code));
      if (!conn.pageInfo.hasNextPage) break;
      expect(conn.pageInfo.endCursor).toBe(conn.edges[conn.edges.length - 1].cursor);
      after = conn.pageInfo.endCursor;
    }
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen]).toEqual([...seen].sort());
  });

  it('orders by creation time descending when asked', async () => {
    const res = await hub.request(UnitsDocument, { first: 5, orderBy: { field: 'CREATED_AT', direction: 'DESC' } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.organisationalUnits.edges).toHaveLength(5);
  });

  it('filters by kind and parent', async () => {
    const res = await hub.request(UnitsDocument, { first: 50, filter: { parentId: engId, kinds: ['DEPARTMENT'] } });
    const codes = res.data!.organisationalUnits.edges.map((e) => e.node.code);
    expect(codes.length).toBeGreaterThanOrEqual(4);
    expect(codes.every((c) => c.startsWith('ENG-'))).toBe(true);
  });

  it('refuses a page larger than the maximum with BAD_USER_INPUT naming the field', async () => {
    const res = await hub.request(UnitsDocument, { first: 101 });
    expect(res.data).toBeFalsy();
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('rejects a forged cursor with INVALID_CURSOR', async () => {
    const res = await hub.request(UnitsDocument, { first: 5, after: 'not-a-cursor' });
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR', field: 'after' });
  });

  it('resolves node(id) for units and the institution, and null for an unknown id', async () => {
    const unit = await hub.request(NodeByIdDocument, { id: cengId });
    expect(unit.data!.node).toMatchObject({ __typename: 'OrganisationalUnit', id: cengId, code: 'ENG-CENG' });
    const home = await hub.request(HomeInstitutionDocument, {});
    const inst = await hub.request(NodeByIdDocument, { id: home.data!.homeInstitution.id });
    expect(inst.data!.node).toMatchObject({ __typename: 'Institution', country: 'TR' });
    const missing = Buffer.from('OrganisationalUnit:00000000-0000-4000-8000-000000000000').toString('base64url');
    expect((await hub.request(NodeByIdDocument, { id: missing })).data!.node).toBeNull();
    const bad = await hub.request(NodeByIdDocument, { id: 'garbage' });
    expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_ID' });
  });

  it('runs a constant number of SQL statements for a list with nested relations, whatever the page size', async () => {
    const small = await hub.request(UnitsWithRelationsDocument, { first: 2 });
    const large = await hub.request(UnitsWithRelationsDocument, { first: 18 });
    expect(small.errors).toBeUndefined();
    expect(large.data!.organisationalUnits.nodes.length).toBe(18);
    expect(large.data!.organisationalUnits.nodes.some((n) => n.parent)).toBe(true);
    expect(small.extensions!.sqlStatements).toBeGreaterThan(0);
    expect(large.extensions!.sqlStatements).toBe(small.extensions!.sqlStatements);
  });

  it('counts only when totalCount is selected', async () => {
    const without = await hub.request(UnitsWithoutCountDocument, { first: 3 });
    const withCount = await hub.request(UnitsDocument, { first: 3 });
    expect(withCount.extensions!.sqlStatements).toBe(without.extensions!.sqlStatements! + 1);
  });
});

describe('field-level access to the internal note', () => {
  it('hides it from visitors and applicants, shows it to the office and to coordinators of the unit or a unit above', async () => {
    const asPublic = await hub.request(UnitInternalNoteDocument, { id: cengId });
    expect(asPublic.data!.organisationalUnit).toMatchObject({ code: 'ENG-CENG', internalNote: null });
    expect(asPublic.errors![0]).toMatchObject({ path: ['organisationalUnit', 'internalNote'], extensions: { code: 'UNAUTHENTICATED' } });

    const asApplicant = await hub.request(UnitInternalNoteDocument, { id: cengId }, { role: 'APPLICANT' });
    expect(asApplicant.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN' });

    const asStaff = await hub.request(UnitInternalNoteDocument, { id: cengId }, STAFF);
    expect(asStaff.errors).toBeUndefined();

    const facultyCoordinator = { role: 'COORDINATOR' as const, units: [uuidOf(engId)] };
    expect((await hub.request(UnitInternalNoteDocument, { id: cengId }, facultyCoordinator)).errors).toBeUndefined();

    const otherCoordinator = { role: 'COORDINATOR' as const, units: [uuidOf(cengId)] };
    const upwards = await hub.request(UnitInternalNoteDocument, { id: engId }, otherCoordinator);
    expect(upwards.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('office mutations', () => {
  it('adds a department below a faculty and reads it back', async () => {
    const code = unique();
    const res = await hub.request(
      AddUnitDocument,
      { input: { kind: 'DEPARTMENT', code, name: { tr: 'Yapay Zeka Bölümü', en: 'Department of AI' }, parentId: engId } },
      STAFF,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.addOrganisationalUnit).toMatchObject({ code, version: 1, parent: { id: engId } });
    const read = await hub.request(UnitDocument, { id: res.data!.addOrganisationalUnit.id, locale: 'en' });
    expect(read.data!.organisationalUnit!.name).toBe('Department of AI');
  });

  it('refuses visitors, applicants and coordinators', async () => {
    const input = { kind: 'DEPARTMENT' as const, code: unique(), name: { tr: 'X' } };
    expect((await hub.request(AddUnitDocument, { input })).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect((await hub.request(AddUnitDocument, { input }, { role: 'APPLICANT' })).errors![0].extensions!.code).toBe('FORBIDDEN');
    expect((await hub.request(AddUnitDocument, { input }, { role: 'COORDINATOR', units: [uuidOf(engId)] })).errors![0].extensions!.code).toBe('FORBIDDEN');
    const check = await hub.request(UnitsDocument, { filter: { search: input.code } });
    expect(check.data!.organisationalUnits.totalCount).toBe(0);
  });

  it('rejects invalid input with BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const bad = await hub.request(AddUnitDocument, { input: { kind: 'FACULTY', code: 'lower case!', name: { tr: 'X' }, email: 'not-an-email' } }, STAFF);
    expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED' });
    const fields = (bad.errors![0].extensions!.fields as { field: string }[]).map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['code', 'email']));
    const noName = await hub.request(AddUnitDocument, { input: { kind: 'FACULTY', code: unique(), name: { tr: '  ' } } }, STAFF);
    expect(noName.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'NAME_REQUIRED', field: 'name' });
  });

  it('refuses a duplicate code with CONFLICT', async () => {
    const res = await hub.request(AddUnitDocument, { input: { kind: 'FACULTY', code: 'ENG', name: { tr: 'İkinci' } } }, STAFF);
    expect(res.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'UNIT_CODE_TAKEN', field: 'code' });
  });

  it('detects a concurrent edit through the version instead of overwriting it', async () => {
    const code = unique();
    const added = await hub.request(AddUnitDocument, { input: { kind: 'OFFICE', code, name: { tr: 'Ofis' } } }, STAFF);
    const id = added.data!.addOrganisationalUnit.id;
    const first = await hub.request(UpdateUnitDocument, { input: { id, version: 1, email: 'a@ornek.edu.tr' } }, STAFF);
    expect(first.data!.updateOrganisationalUnit).toMatchObject({ version: 2, email: 'a@ornek.edu.tr' });
    const stale = await hub.request(UpdateUnitDocument, { input: { id, version: 1, email: 'b@ornek.edu.tr' } }, STAFF);
    expect(stale.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT', currentVersion: 2 });
    const read = await hub.request(UnitDocument, { id });
    expect(read.data!.organisationalUnit!.email).toBe('a@ornek.edu.tr');
  });

  it('refuses to move a unit below its own sub-unit', async () => {
    const parent = await hub.request(AddUnitDocument, { input: { kind: 'FACULTY', code: unique(), name: { tr: 'P' } } }, STAFF);
    const pid = parent.data!.addOrganisationalUnit.id;
    const child = await hub.request(AddUnitDocument, { input: { kind: 'DEPARTMENT', code: unique(), name: { tr: 'C' }, parentId: pid } }, STAFF);
    const res = await hub.request(UpdateUnitDocument, { input: { id: pid, version: 1, parentId: child.data!.addOrganisationalUnit.id } }, STAFF);
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNIT_CYCLE' });
  });

  it('lets a coordinator edit contact details of their units but not restructure them', async () => {
    const coordinator = { role: 'COORDINATOR' as const, units: [uuidOf(engId)] };
    const before = await hub.request(UnitDocument, { id: cengId });
    const version = before.data!.organisationalUnit!.version;
    const ok = await hub.request(UpdateUnitDocument, { input: { id: cengId, version, website: 'https://ceng.ornek.edu.tr' } }, coordinator);
    expect(ok.errors).toBeUndefined();
    const move = await hub.request(UpdateUnitDocument, { input: { id: cengId, version: version + 1, code: 'ENG-X' } }, coordinator);
    expect(move.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'COORDINATOR_CANNOT_CHANGE', field: 'code' });
    const sci = await hub.request(UnitsDocument, { filter: { search: 'SCI-PHYS' } });
    const phys = sci.data!.organisationalUnits.edges[0].node.id;
    const foreign = await hub.request(UpdateUnitDocument, { input: { id: phys, version: 1, website: 'https://x.example' } }, coordinator);
    expect(foreign.errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  it('removes a unit without sub-units and refuses one with sub-units', async () => {
    const withChildren = await hub.request(RemoveUnitDocument, { id: engId, version: 1 }, STAFF);
    expect(withChildren.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'UNIT_HAS_CHILDREN' });
    const leaf = await hub.request(AddUnitDocument, { input: { kind: 'OFFICE', code: unique(), name: { en: 'Leaf' } } }, STAFF);
    const id = leaf.data!.addOrganisationalUnit.id;
    const removed = await hub.request(RemoveUnitDocument, { id, version: 1 }, STAFF);
    expect(removed.data!.removeOrganisationalUnit).toBe(id);
    expect((await hub.request(UnitDocument, { id })).data!.organisationalUnit).toBeNull();
  });
});

describe("partner institutions' units", () => {
  it('lets the office build a partner’s faculty and department tree, which coordinators cannot change', async () => {
    const partner = await hub.request(PartnerSetupInstitutionDocument, { input: { officialName: `Partner ${unique()}`, country: 'DE' } }, STAFF);
    const institutionId = partner.data!.createInstitution.id;
    const faculty = await hub.request(AddUnitDocument, { input: { institutionId, kind: 'FACULTY', code: 'INF', name: { en: 'Faculty of Informatics' } } }, STAFF);
    expect(faculty.errors).toBeUndefined();
    const facultyId = faculty.data!.addOrganisationalUnit.id;
    // Codes are unique per institution: the home university's ENG does not clash with a partner's ENG.
    const eng = await hub.request(AddUnitDocument, { input: { institutionId, kind: 'DEPARTMENT', code: 'ENG', name: { en: 'Software Engineering' }, parentId: facultyId } }, STAFF);
    expect(eng.errors).toBeUndefined();
    const tree = await hub.request(InstitutionUnitsDocument, { id: institutionId });
    expect(tree.data!.institution!.topLevelUnits).toEqual([expect.objectContaining({ code: 'INF', children: [expect.objectContaining({ code: 'ENG' })] })]);
    // A parent from another institution is refused.
    const foreignParent = await hub.request(AddUnitDocument, { input: { institutionId, kind: 'DEPARTMENT', code: 'X1', name: { en: 'X' }, parentId: engId } }, STAFF);
    expect(foreignParent.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PARENT_UNIT_NOT_FOUND' });
    const coordinator = { role: 'COORDINATOR' as const, units: [uuidOf(engId)] };
    const denied = await hub.request(UpdateUnitDocument, { input: { id: facultyId, version: 1, email: 'x@partner.example' } }, coordinator);
    expect(denied.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});

describe('organisationalUnitChanged subscription', () => {
  it('delivers additions to the office over WebSocket, with the unit read fresh for each event', async () => {
    const ws = await hub.ws(STAFF);
    const sub = subscribe(ws, UnitChangedDocument, {});
    await waitFor(() => hub.hub.dispatcher.listenerCount > 0, 5000, 'the subscription to register');
    const code = unique();
    const added = await hub.request(AddUnitDocument, { input: { kind: 'OFFICE', code, name: { tr: 'Yeni' } } }, STAFF);
    const unitId = added.data!.addOrganisationalUnit.id;
    const first = await sub.nextWhere((r) => r.data?.organisationalUnitChanged.unitId === unitId);
    expect(first.data!.organisationalUnitChanged).toMatchObject({ change: 'ADDED', unitId: added.data!.addOrganisationalUnit.id, version: 1, actor: 'test-staff' });
    expect(first.data!.organisationalUnitChanged.unit).toMatchObject({ code, name: 'Yeni' });

    await hub.request(UpdateUnitDocument, { input: { id: added.data!.addOrganisationalUnit.id, version: 1, name: { tr: 'Yenilendi' } } }, STAFF);
    const second = await sub.nextWhere((r) => r.data?.organisationalUnitChanged.unitId === unitId);
    expect(second.data!.organisationalUnitChanged).toMatchObject({ change: 'UPDATED', version: 2, unit: { name: 'Yenilendi' } });
    sub.dispose();
  });

  it('gives a coordinator only the changes inside their units', async () => {
    const ws = await hub.ws({ role: 'COORDINATOR', units: [uuidOf(engId)] });
    const sub = subscribe(ws, UnitChangedDocument, { changes: ['ADDED'] });
    await waitFor(() => hub.hub.dispatcher.listenerCount > 0, 5000, 'the subscription to register');
    await hub.request(AddUnitDocument, { input: { kind: 'OFFICE', code: unique(), name: { tr: 'Dışarıda' } } }, STAFF);
    const inside = unique();
    await hub.request(AddUnitDocument, { input: { kind: 'DEPARTMENT', code: inside, name: { tr: 'İçeride' }, parentId: engId } }, STAFF);
    const event = await sub.next();
    expect(event.data!.organisationalUnitChanged).toMatchObject({ change: 'ADDED', actor: null, unit: { code: inside } });
    expect(await sub.nothingWithin(300)).toBe(true);
    sub.dispose();
  });

  it('refuses the subscription to visitors and applicants', async () => {
    for (const who of [undefined, { role: 'APPLICANT' as const }]) {
      const ws = await hub.ws(who);
      const sub = subscribe(ws, UnitChangedDocument, {});
      await waitFor(() => sub.error !== undefined || sub.results.length > 0, 5000, 'the refusal');
      const errors = (sub.error ?? sub.results[0]?.errors) as { extensions?: { code?: string } }[];
      expect(errors[0].extensions!.code).toBe(who ? 'FORBIDDEN' : 'UNAUTHENTICATED');
    }
  });
});
