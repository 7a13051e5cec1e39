/**
 * Import of a partner's IIA: an EWP IIAs API v7 `get` response holding one `<iia>`, validated against the schema
 * first (EWP_INVALID_XML with xmllint's messages and line numbers otherwise), then mapped onto an agreement of kind
 * ERASMUS_IIA with its partners and cooperation conditions.
 *
 * - Institutions are found by hei-id (the SCHAC code); failing that, one without a SCHAC code whose web/e-mail
 *   domain is the hei-id is linked (it gets the SCHAC code); failing that, a stub is created (named by its hei-id,
 *   country from the domain, source `ewp`) for the office to complete.
 * - The home institution is the partner whose hei-id is its SCHAC code; the other is the agreement's partner.
 *   When neither is (as in the official example), both are recorded as partners, with a warning.
 * - The agreement is found by our iia-id (`ewpIiaId`, or our uuid, on the home side) or by the partner's iia-id
 *   (`ewpPartnerIiaId`) with that partner; otherwise one is created. The document is authoritative for the
 *   academic years, conditions (in document order), partner units, signatures it names, and status
 *   (`in-effect` → IN_EFFECT, `terminated-as-a-whole` → TERMINATED; a new proposal is IN_NEGOTIATION).
 *   Organisational units are matched by code (home units also by uuid, as the export writes them); unknown ones
 *   are dropped with a warning.
 * - Nothing is written when nothing differs: importing the same document again reports no changes. A change is
 *   recorded like any other (revision with the field changes, outbox event).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Transaction } from '../../../platform/graphql/context';
import { Institution, InstitutionKind } from '../../institutions/institution.entity';
import { OrganisationalUnit } from '../../institutions/organisational-unit.entity';
import { isAcademicYear, startYear } from '../academic-year';
import { Agreement, AgreementKind, AgreementPartner, AgreementStatus, CooperationCondition, MobilityType } from '../agreement.entity';
import { diffSnapshots, recordImportedAgreementChange, snapshotOf, type FieldChange } from '../agreement.service';
import { EwpErrors } from './ewp.errors';
import { computeIiaHashes } from './iia-hash';
import { SPEC_ELEMENTS } from './iia-xml';
import { childElements, childText, firstChild, parseXml, textOf, XmlSyntaxError, type XmlElement } from './xml-tree';
import { validateAgainstXsd } from './xsd-validate';

// --- The document ----------------------------------------------------------------------------------------------------

export interface IiaPartnerData {
  heiId: string;
  ounitId?: string;
  iiaId?: string;
  iiaCode?: string;
  signatory?: string;
  signedOn?: string;
}

export interface IiaConditionData {
  mobilityType: MobilityType;
  sendingHeiId: string;
  sendingOunitId?: string;
  receivingHeiId: string;
  receivingOunitId?: string;
  firstAcademicYear: string;
  lastAcademicYear: string;
  mobilitiesPerYear: number;
  languages: { language: string; cefr?: string }[];
  subjectAreas: { isced: string; clarification?: string }[];
  totalMonthsPerYear?: number;
  totalDaysPerYear?: number;
  blended: boolean;
  eqfLevels: number[];
}

export interface IiaDocument {
  partners: IiaPartnerData[];
  inEffect: boolean;
  terminatedAsAWhole: boolean;
  conditions: IiaConditionData[];
  /** The `iia-hash` the document states, and the one its content gives (EWP v7 rules). */
  statedHash: string;
  computedHash: string;
}

const TYPE_OF_ELEMENT = new Map(Object.entries(SPEC_ELEMENTS).map(([type, element]) => [element, type as MobilityType]));
const isTrue = (v: string | undefined) => v === 'true' || v === '1';

/** Validates against the schema and reads the one IIA of a get-response document. */
export async function readIiaDocument(xml: string): Promise<IiaDocument> {
  const validation = await validateAgainstXsd(xml);
  if (!validation.valid) throw EwpErrors.invalidXml(validation.problems);
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw EwpErrors.invalidXml([{ message: e.message, line: null }]);
    throw e;
  }
  return parseIiaDocument(root);
}

/** Maps a schema-valid document; what the hub cannot hold is EWP_IIA_UNSUPPORTED. */
export function parseIiaDocument(root: XmlElement): IiaDocument {
  const iias = childElements(root, 'iia');
  if (iias.length !== 1) throw EwpErrors.unsupported(`one IIA per document, and this one holds ${iias.length}`);
  const [iia] = iias;
  const partners = childElements(iia, 'partner').map((p): IiaPartnerData => {
    const signing = firstChild(p, 'signing-contact');
    return {
      heiId: childText(p, 'hei-id')!.toLowerCase(),
      ounitId: childText(p, 'ounit-id'),
      iiaId: childText(p, 'iia-id'),
      iiaCode: childText(p, 'iia-code'),
      signatory: signing ? childText(signing, 'contact-name') : undefined,
      signedOn: childText(p, 'signing-date')?.slice(0, 10),
    };
  });
  const conditionsElement = firstChild(iia, 'cooperation-conditions')!;
  const conditions = childElements(conditionsElement).map((spec, i): IiaConditionData => {
    const mobilityType = TYPE_OF_ELEMENT.get(spec.local);
    if (!mobilityType) throw EwpErrors.unsupported(`unknown cooperation condition ${spec.local}`);
    const number = (local: string) => {
      const text = childText(spec, local);
      return text === undefined || text === '' ? undefined : Number(text);
    };
    const first = childText(spec, 'receiving-first-academic-year-id')!;
    const last = childText(spec, 'receiving-last-academic-year-id')!;
    if (!isAcademicYear(first) || !isAcademicYear(last) || startYear(last) < startYear(first)) {
      throw EwpErrors.unsupported(`condition ${i + 1}: academic years ${first} to ${last} (the hub holds northern-hemisphere years such as 2025/2026)`);
    }
    const months = number('total-months-per-year');
    const days = number('total-days-per-year');
    return {
      mobilityType,
      sendingHeiId: childText(spec, 'sending-hei-id')!.toLowerCase(),
      sendingOunitId: childText(spec, 'sending-ounit-id'),
      receivingHeiId: childText(spec, 'receiving-hei-id')!.toLowerCase(),
      receivingOunitId: childText(spec, 'receiving-ounit-id'),
      firstAcademicYear: first,
      lastAcademicYear: last,
      mobilitiesPerYear: number('mobilities-per-year')!,
      languages: childElements(spec, 'recommended-language-skill').map((l) => {
        const cefr = childText(l, 'cefr-level');
        return { language: childText(l, 'language')!.toLowerCase().split('-')[0], ...(cefr ? { cefr } : {}) };
      }),
      subjectAreas: childElements(spec, 'subject-area').map((s) => {
        const clarification = childText(s, 'isced-clarification');
        return { isced: childText(s, 'isced-f-code')!, ...(clarification ? { clarification } : {}) };
      }),
      // The hub keeps months to one decimal and whole days.
      totalMonthsPerYear: months === undefined ? undefined : Math.round(months * 10) / 10,
      totalDaysPerYear: days === undefined ? undefined : Math.round(days),
      blended: isTrue(childText(spec, 'blended')),
      eqfLevels: [...new Set(childElements(spec, 'eqf-level').map((e) => Number(textOf(e).trim())))].sort((a, b) => a - b),
    };
  });
  const [hash] = computeIiaHashes(root);
  return {
    partners,
    inEffect: isTrue(childText(iia, 'in-effect')),
    terminatedAsAWhole: isTrue(conditionsElement.attributes.find((a) => a.local === 'terminated-as-a-whole')?.value),
    conditions,
    statedHash: childText(iia, 'iia-hash') ?? '',
    computedHash: hash.hash,
  };
}

// --- Into the database -------------------------------------------------------------------------------------------------

export type InstitutionOutcome = 'EXISTING' | 'LINKED' | 'CREATED';

export interface IiaImportResult {
  agreement: Agreement;
  created: boolean;
  /** Field changes of the agreement (for a new one: every field it was created with). */
  changes: FieldChange[];
  institutions: { heiId: string; outcome: InstitutionOutcome; institution: Institution }[];
  warnings: string[];
  statedHash: string;
  computedHash: string;
}

/** Runs a function in one transaction: `ctx.transaction` in a request, a plain one in a command. */
export type TransactionRunner = <T>(fn: (tx: Transaction) => Promise<T>) => Promise<T>;

/** Validates, parses and imports a get-response document (the validation runs before the transaction opens). */
export async function importIiaXml(run: TransactionRunner, xml: string): Promise<IiaImportResult> {
  const document = await readIiaDocument(xml);
  return run((tx) => importIiaDocument(tx, document));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function countryOfHei(heiId: string): string {
  const tld = heiId.split('.').pop()!.toUpperCase();
  if (!/^[A-Z]{2}$/.test(tld) || tld === 'EU') return 'ZZ';
  return tld === 'UK' ? 'GB' : tld;
}

async function findOrCreateInstitution(tx: Transaction, heiId: string, warnings: string[]) {
  const em = tx.em;
  const existing = await em.findOne(Institution, { schacCode: { $ilike: heiId.replace(/[\\%_]/g, '\\$&') } });
  if (existing) return { heiId, outcome: 'EXISTING' as const, institution: existing };
  const variants = ['https://', 'http://', 'https://www.', 'http://www.'].map((p) => `${p}${heiId}`);
  const candidates = await em.find(Institution, {
    schacCode: null,
    $or: [{ emailDomains: { $contains: [heiId] } }, { website: { $in: variants } }],
  } as never);
  if (candidates.length === 1) {
    const [institution] = candidates;
    institution.schacCode = heiId;
    if (!institution.sources.includes('ewp')) institution.sources = [...institution.sources, 'ewp'];
    await em.flush();
    tx.emit({ type: 'institution.updated', aggregateType: 'Institution', aggregateId: institution.id, aggregateVersion: institution.version });
    return { heiId, outcome: 'LINKED' as const, institution };
  }
  if (candidates.length > 1) {
    warnings.push(`Several institutions use the domain ${heiId} and none has it as SCHAC code: a new one was created; merge them in the directory`);
  }
  const institution = em.create(Institution, {
    officialName: heiId,
    name: {},
    country: countryOfHei(heiId),
    kind: InstitutionKind.HEI,
    schacCode: heiId,
    emailDomains: [heiId],
    sources: ['ewp'],
  } as never);
  await em.flush();
  tx.emit({ type: 'institution.created', aggregateType: 'Institution', aggregateId: institution.id, aggregateVersion: institution.version });
  warnings.push(`${heiId} was not in the directory: it was added under its hei-id; complete its name and details`);
  return { heiId, outcome: 'CREATED' as const, institution };
}

async function findUnit(em: EntityManager, institution: Institution, ounitId: string | undefined, warnings: string[]) {
  if (!ounitId) return undefined;
  const unit =
    (await em.findOne(OrganisationalUnit, { institution: institution.id, code: ounitId })) ??
    (UUID.test(ounitId) ? await em.findOne(OrganisationalUnit, { institution: institution.id, id: ounitId }) : null);
  if (!unit) {
    const text = `ounit-id ${ounitId} of ${institution.schacCode} is not a unit in the directory: recorded for the whole institution`;
    if (!warnings.includes(text)) warnings.push(text);
  }
  return unit ?? undefined;
}

/** JSON with object keys sorted: jsonb hands objects back with its own key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const same = (a: unknown, b: unknown) => {
  if (typeof a === 'number' || typeof b === 'number') return a !== null && a !== undefined && b !== null && b !== undefined ? Number(a) === Number(b) : a === b;
  return canonical(a) === canonical(b);
};

/** Assigns only what differs, so that an unchanged document writes nothing. */
function assign<T extends object>(entity: T, values: Partial<Record<keyof T, unknown>>): void {
  for (const [key, value] of Object.entries(values)) {
    const k = key as keyof T;
    const current = entity[k] as { id?: string } | unknown;
    const isRef = (v: unknown): v is { id: string } => typeof v === 'object' && v !== null && 'id' in v && !Array.isArray(v);
    const a = isRef(current) ? current.id : current;
    const b = isRef(value) ? value.id : value;
    if (!same(a ?? null, b ?? null)) (entity as Record<string, unknown>)[key] = value;
  }
}

/** Imports one parsed IIA inside `tx`. */
export async function importIiaDocument(tx: Transaction, doc: IiaDocument): Promise<IiaImportResult> {
  const em = tx.em;
  const warnings: string[] = [];
  if (doc.statedHash !== doc.computedHash) {
    warnings.push(`The document's iia-hash ${doc.statedHash} does not match its content (EWP v7 hash ${doc.computedHash})`);
  }
  const home = await em.findOneOrFail(Institution, { isHome: true });
  const homeHei = home.schacCode?.toLowerCase();
  if (doc.partners[0].heiId === doc.partners[1].heiId) throw EwpErrors.unsupported('both partners have the same hei-id');
  const homeIndex = doc.partners.findIndex((p) => p.heiId === homeHei);
  const homeSide = homeIndex >= 0 ? doc.partners[homeIndex] : undefined;
  const others = doc.partners.filter((_, i) => i !== homeIndex);
  if (!homeSide) {
    warnings.push(
      `Neither partner is the home institution (${homeHei ?? 'it has no SCHAC code'}): both are recorded as partners of the agreement`,
    );
  }

  const institutions = [];
  for (const p of others) institutions.push(await findOrCreateInstitution(tx, p.heiId, warnings));
  const byHei = new Map<string, Institution>(institutions.map((m) => [m.heiId, m.institution]));
  if (homeHei && homeSide) byHei.set(homeHei, home);
  const owner = others[0];
  const ownerInstitution = byHei.get(owner.heiId)!;

  // The conditions as rows, in document order.
  const rows = [];
  for (const [i, c] of doc.conditions.entries()) {
    const sending = byHei.get(c.sendingHeiId);
    const receiving = byHei.get(c.receivingHeiId);
    if (!sending) throw EwpErrors.unsupported(`condition ${i + 1}: sending-hei-id ${c.sendingHeiId} is not one of the partners`);
    if (!receiving) throw EwpErrors.unsupported(`condition ${i + 1}: receiving-hei-id ${c.receivingHeiId} is not one of the partners`);
    if (sending === receiving) throw EwpErrors.unsupported(`condition ${i + 1}: sending and receiving institution are the same`);
    const student = c.mobilityType === MobilityType.SMS || c.mobilityType === MobilityType.SMT;
    rows.push({
      sendingInstitution: sending,
      sendingUnit: await findUnit(em, sending, c.sendingOunitId, warnings),
      receivingInstitution: receiving,
      receivingUnit: await findUnit(em, receiving, c.receivingOunitId, warnings),
      mobilityType: c.mobilityType,
      firstAcademicYear: c.firstAcademicYear,
      lastAcademicYear: c.lastAcademicYear,
      mobilitiesPerYear: c.mobilitiesPerYear,
      totalMonthsPerYear: student ? c.totalMonthsPerYear : undefined,
      totalDaysPerYear: student ? undefined : c.totalDaysPerYear,
      subjectAreas: c.subjectAreas,
      iscedCodes: [...new Set(c.subjectAreas.map((s) => s.isced))],
      eqfLevels: student ? c.eqfLevels : [],
      languages: c.languages,
      languageCodes: [...new Set(c.languages.map((l) => l.language))],
      blended: student ? c.blended : false,
      position: i,
    });
  }
  if (rows.length === 0) throw EwpErrors.unsupported('it has no cooperation conditions');
  const firstAcademicYear = rows.map((r) => r.firstAcademicYear).sort()[0];
  const lastAcademicYear = rows.map((r) => r.lastAcademicYear).sort().reverse()[0];
  const partnerRows = [];
  for (const [i, p] of others.entries()) {
    partnerRows.push({ institution: institutions[i].institution, unit: await findUnit(em, institutions[i].institution, p.ounitId, warnings) });
  }

  // The agreement: ours by our iia-id, or the partner's by theirs.
  let found: Agreement | null = null;
  if (homeSide?.iiaId) {
    found = await em.findOne(Agreement, { $or: [{ ewpIiaId: homeSide.iiaId }, ...(UUID.test(homeSide.iiaId) ? [{ id: homeSide.iiaId }] : [])] });
  }
  if (!found && owner.iiaId) {
    found = await em.findOne(Agreement, { ewpPartnerIiaId: owner.iiaId, partners: { institution: ownerInstitution.id } });
  }
  const created = !found;
  const statusFrom = found?.status;
  let before: Record<string, unknown> = {};
  let agreement: Agreement;
  if (found) {
    agreement = found;
    await agreement.partners.init();
    // In position order, so that an unchanged list compares equal.
    await agreement.conditions.init({ orderBy: { position: 'asc' } });
    before = JSON.parse(JSON.stringify(snapshotOf(agreement))) as Record<string, unknown>;
  } else {
    const names = partnerRows.map((r) => r.institution.name.en ?? r.institution.officialName);
    agreement = em.create(Agreement, {
      kind: AgreementKind.ERASMUS_IIA,
      status: AgreementStatus.IN_NEGOTIATION,
      title: `Erasmus+ IIA: ${names.join(' – ')}${owner.iiaCode ? ` (${owner.iiaCode})` : ''}`.slice(0, 300),
      firstAcademicYear,
      lastAcademicYear,
    } as never);
  }
  const ewpBefore = { ewpIiaId: agreement.ewpIiaId ?? null, ewpPartnerIiaId: agreement.ewpPartnerIiaId ?? null };

  // Status: the document says whether it is (or was) in effect, or terminated as a whole.
  let status = agreement.status;
  if (doc.terminatedAsAWhole) status = AgreementStatus.TERMINATED;
  else if (doc.inEffect && ![AgreementStatus.IN_EFFECT, AgreementStatus.EXPIRED, AgreementStatus.TERMINATED].includes(status)) {
    status = AgreementStatus.IN_EFFECT;
  }
  assign(agreement, { firstAcademicYear, lastAcademicYear, status });
  if (status === AgreementStatus.TERMINATED && !agreement.terminatedOn) agreement.terminatedOn = new Date().toISOString().slice(0, 10);
  if (homeSide) {
    const homeUnit = await findUnit(em, home, homeSide.ounitId, warnings);
    if (homeUnit) assign(agreement, { homeUnit });
    if (homeSide.signatory) assign(agreement, { homeSignatory: homeSide.signatory });
    if (homeSide.signedOn) assign(agreement, { homeSignedOn: homeSide.signedOn });
    if (homeSide.iiaId && !agreement.ewpIiaId && homeSide.iiaId !== agreement.id) assign(agreement, { ewpIiaId: homeSide.iiaId });
  }
  if (owner.signatory) assign(agreement, { partnerSignatory: owner.signatory });
  if (owner.signedOn) assign(agreement, { partnerSignedOn: owner.signedOn });
  if (owner.iiaId) assign(agreement, { ewpPartnerIiaId: owner.iiaId });

  // Partners: keep the rows of institutions that stay (a new row for the same institution would clash).
  const currentPartners = agreement.partners.getItems();
  const partners = partnerRows.map((wanted) => {
    const row = currentPartners.find((p) => p.institution.id === wanted.institution.id);
    if (!row) return em.create(AgreementPartner, { agreement, institution: wanted.institution, unit: wanted.unit } as never);
    assign(row, { unit: wanted.unit });
    return row;
  });
  if (partners.length !== currentPartners.length || partners.some((p) => !currentPartners.includes(p))) agreement.partners.set(partners);

  // Conditions: those the document repeats unchanged stay as they are (in our order); the others are updated in
  // place, pairwise in order; the surplus is removed and the missing added at the end.
  const currentConditions = agreement.conditions.getItems();
  const unmatched = [...currentConditions];
  const changed: typeof rows = [];
  for (const row of rows) {
    const same = unmatched.findIndex((c) => conditionKey(c) === conditionKey(row));
    if (same >= 0) unmatched.splice(same, 1);
    else changed.push(row);
  }
  const added: CooperationCondition[] = [];
  changed.forEach((row, i) => {
    const { position: _position, ...values } = row;
    if (unmatched[i]) assign(unmatched[i], values);
    else added.push(em.create(CooperationCondition, { agreement, ...row, position: currentConditions.length + i } as never));
  });
  const removed = unmatched.slice(changed.length);
  if (added.length || removed.length) {
    const conditions = [...currentConditions.filter((c) => !removed.includes(c)), ...added];
    conditions.forEach((c, i) => assign(c, { position: i }));
    agreement.conditions.set(conditions);
  }

  const ewpChanges: FieldChange[] = (['ewpIiaId', 'ewpPartnerIiaId'] as const)
    .filter((k) => (agreement[k] ?? null) !== ewpBefore[k])
    .map((k) => ({ path: k, from: ewpBefore[k], to: agreement[k] ?? null }));
  const after = JSON.parse(JSON.stringify(snapshotOf(agreement))) as Record<string, unknown>;
  const changes = [...diffSnapshots(before, normaliseNumbers(before, after)), ...ewpChanges];
  if (created || changes.length > 0) {
    if (!created) agreement.updatedAt = new Date(); // the revision needs a new version, also when only conditions changed
    await em.flush();
    await recordImportedAgreementChange(tx, agreement, { created, statusFrom });
  }
  return { agreement, created, changes, institutions, warnings, statedHash: doc.statedHash, computedHash: doc.computedHash };
}

/** What a condition says, comparable whether it was read from the database or from a document. */
function conditionKey(c: {
  sendingInstitution: { id: string };
  sendingUnit?: { id: string } | null;
  receivingInstitution: { id: string };
  receivingUnit?: { id: string } | null;
  mobilityType: MobilityType;
  firstAcademicYear: string;
  lastAcademicYear: string;
  mobilitiesPerYear: number;
  totalMonthsPerYear?: number | string | null;
  totalDaysPerYear?: number | string | null;
  subjectAreas: unknown[];
  eqfLevels: number[];
  languages: unknown[];
  blended: boolean;
}): string {
  const num = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return canonical([
    c.sendingInstitution.id,
    c.sendingUnit?.id ?? null,
    c.receivingInstitution.id,
    c.receivingUnit?.id ?? null,
    c.mobilityType,
    c.firstAcademicYear,
    c.lastAcademicYear,
    num(c.mobilitiesPerYear),
    num(c.totalMonthsPerYear),
    num(c.totalDaysPerYear),
    c.subjectAreas,
    [...c.eqfLevels].map(Number),
    c.languages,
    !!c.blended,
  ]);
}

/** Numeric columns may read back as strings ("5.0"): compare them as numbers where the old snapshot has one. */
function normaliseNumbers(before: unknown, after: unknown): unknown {
  if (Array.isArray(before) && Array.isArray(after)) return after.map((a, i) => normaliseNumbers(before[i], a));
  if (before && after && typeof before === 'object' && typeof after === 'object' && !Array.isArray(after)) {
    return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, normaliseNumbers((before as Record<string, unknown>)[k], v)]));
  }
  if ((typeof before === 'number' || typeof before === 'string') && (typeof after === 'number' || typeof after === 'string')) {
    return before !== after && Number(before) === Number(after) && before !== '' && after !== '' ? before : after;
  }
  return after;
}

