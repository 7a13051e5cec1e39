/**
 * A learning agreement as an EWP Outgoing Mobility Learning Agreements API v1 `get` response
 * (`ewp/omobility-las-get-response.xsd`).
 *
 * Mapping: `omobility-id` is the application's uuid (immutable); the sending HEI is the home institution (its SCHAC
 * code, the student's unit as ounit), the receiving HEI the partner of the place the student holds; each needs a
 * contact person with an e-mail: a public directory contact of that institution (the student's unit first, then
 * coordinators), else the last signer of that side. The student's name and e-mail come from their account, citizenship
 * from the application. Dates are the planned ones (EWP: "planned start/end"); EQF from the study level; ISCED from the
 * field of study (else the place's first code).
 *
 * Versions as EWP defines them: `first-version` is the approved first version; `approved-changes` lists the changes of
 * the approved version in force against the first version (A2/B2/C2: status inserted/deleted, reason-code and
 * reason-text; our OTHER has no EWP code, so only its text goes); `changes-proposal` (its `id` is the version's uuid,
 * fixed for a proposal) is the pending version, either a first version (plain components) or changes against the first
 * version. A proposal is published once the student and the sending institution have signed it (the schema requires
 * both signatures; EWP hands it to the receiving institution for its approval then). With nothing to publish yet the
 * response holds no `la`: the partner sees nothing before the home side has signed.
 *
 * Table A → components-studied, B → components-recognized (note → recognition-conditions), C → virtual-components
 * (note → short-description); code → los-code; term → term-id; ECTS → credit with scheme "ects".
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound } from '../../platform/errors/domain-error';
import { toGlobalId } from '../../platform/graphql/relay';
import { UserAccount } from '../accounts/user-account.entity';
import { XmlWriter } from '../agreements/ewp/xml-writer';
import { ContactPerson, ContactRole } from '../institutions/contact-person.entity';
import { fetchLineages } from '../institutions/institution.loaders';
import { Institution } from '../institutions/institution.entity';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { EQF_OF_LEVEL, MobilityApplication } from './application.entity';
import { CallPlace, MobilityCall } from './call.entity';
import {
  LaChangeReason,
  LaTable,
  LaVersionKind,
  LaVersionState,
  LearningAgreement,
  LearningAgreementVersion,
  type LaComponentRow,
  LaParty,
  type LaSignatureRow,
} from './learning-agreement.entity';
import { LaErrors } from './learning-agreement.errors';
import { changesSinceFirstVersion, type NetChange } from './learning-agreement.rules';

export const OMOBILITY_LAS_NS = 'https://github.com/erasmus-without-paper/ewp-specs-api-omobility-las/blob/stable-v1/endpoints/get-response.xsd';
export const TERM_NS = 'https://github.com/erasmus-without-paper/ewp-specs-types-academic-term/tree/stable-v2';
export const OMOBILITY_LAS_XSD = 'omobility-las-get-response.xsd';

/** Our reason codes as the schema's `reason-code` values; OTHER has none (EWP: then only `reason-text`). */
export const EWP_REASON_CODE: Record<LaChangeReason, string | null> = {
  [LaChangeReason.NOT_AVAILABLE]: 'not-available',
  [LaChangeReason.LANGUAGE_MISMATCH]: 'language-mismatch',
  [LaChangeReason.TIMETABLE_CONFLICT]: 'timetable-conflict',
  [LaChangeReason.SUBSTITUTING_DELETED]: 'substituting-deleted',
  [LaChangeReason.EXTENDING_MOBILITY]: 'extending-mobility',
  [LaChangeReason.ADDING_VIRTUAL_COMPONENT]: 'adding-virtual-component',
  [LaChangeReason.OTHER]: null,
};

const LIST_ELEMENT: Record<LaTable, string> = {
  [LaTable.A]: 'components-studied',
  [LaTable.B]: 'components-recognized',
  [LaTable.C]: 'virtual-components',
};

const SIGNATURE_ELEMENT: [LaParty, string][] = [
  [LaParty.STUDENT, 'student-signature'],
  [LaParty.SENDING, 'sending-hei-signature'],
  [LaParty.RECEIVING, 'receiving-hei-signature'],
];

interface Person {
  name: string;
  email: string;
}

/** "Ayşe Nur Yılmaz" → given "Ayşe Nur", family "Yılmaz" (EWP wants them apart; the directory holds one name). */
function splitName(name: string): { given: string; family: string } {
  const parts = name.trim().split(/\s+/);
  return parts.length > 1 ? { given: parts.slice(0, -1).join(' '), family: parts[parts.length - 1] } : { given: '', family: parts[0] ?? '' };
}

const EMAIL = /^[^@]+@[^.]+\..+$/;
const ROLE_ORDER = [ContactRole.INTERNATIONAL_COORDINATOR, ContactRole.ACADEMIC_COORDINATOR, ContactRole.SIGNATORY, ContactRole.ADMISSIONS, ContactRole.OTHER];

/** The side's administrative contact: a public contact with an e-mail (units named first), else its last signer. */
function contactFor(contacts: ContactPerson[], unitIds: string[], signatures: LaSignatureRow[], institution: Institution, party: LaParty): Person {
  const usable = contacts
    .filter((c) => c.email && EMAIL.test(c.email))
    .sort((a, b) => {
      const unitRank = (c: ContactPerson) => (c.unit ? (unitIds.includes(c.unit.id) ? unitIds.indexOf(c.unit.id) : 99) : 50);
      return unitRank(a) - unitRank(b) || ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.name.localeCompare(b.name);
    });
  if (usable[0]) return { name: usable[0].name, email: usable[0].email! };
  const signer = [...signatures].reverse().find((s) => s.party === party && s.signerEmail && EMAIL.test(s.signerEmail));
  if (signer) return { name: signer.signerName, email: signer.signerEmail! };
  throw LaErrors.notExportable(`${institution.officialName} needs a contact person with an e-mail address (or a signature with one)`, 'contactPerson');
}

function writeContact(w: XmlWriter, person: Person): void {
  const { given, family } = splitName(person.name);
  w.open('contact-person');
  w.text('given-names', given).text('family-name', family);
  w.leaf('email', person.email);
  w.close('contact-person');
}

function writeComponent(w: XmlWriter, c: LaComponentRow, change?: NetChange): void {
  const attributes = change
    ? {
        status: change.action === 'INSERTED' ? 'inserted' : 'deleted',
        'reason-code': change.reason ? EWP_REASON_CODE[change.reason] : null,
        'reason-text': change.reasonText,
      }
    : {};
  w.open('component', attributes);
  w.leaf('los-code', c.code);
  w.leaf('title', c.title);
  if (c.termNumber != null && c.totalTerms != null) {
    w.open('term-id').leaf('trm:term-number', c.termNumber).leaf('trm:total-terms', c.totalTerms).close('term-id');
  }
  w.open('credit').leaf('scheme', 'ects').leaf('value', Number(c.ects)).close('credit');
  if (c.table === LaTable.B) w.leaf('recognition-conditions', c.note);
  if (c.table === LaTable.C) w.leaf('short-description', c.note);
  w.close('component');
}

/** One ListOf_Components: the three tables (A and B always, C when it has rows), then the signatures. */
function writeList(
  w: XmlWriter,
  tag: string,
  rows: { component: LaComponentRow; change?: NetChange }[],
  signatures: LaSignatureRow[],
  attributes: Record<string, string> = {},
): void {
  w.open(tag, attributes);
  for (const table of [LaTable.A, LaTable.B, LaTable.C]) {
    const ofTable = rows.filter((r) => r.component.table === table);
    if (table === LaTable.C && ofTable.length === 0) continue;
    const list = LIST_ELEMENT[table];
    if (ofTable.length === 0) {
      w.empty(list);
      continue;
    }
    w.open(list);
    for (const r of ofTable) writeComponent(w, r.component, r.change);
    w.close(list);
  }
  for (const [party, element] of SIGNATURE_ELEMENT) {
    const s = signatures.find((x) => x.party === party);
    if (!s) continue;
    w.open(element);
    // EWP: the student's signature carries no signer fields; the institutions' carry name, position and e-mail.
    if (party !== 'STUDENT') w.leaf('signer-name', s.signerName).leaf('signer-position', s.signerPosition).leaf('signer-email', s.signerEmail);
    w.leaf('timestamp', s.at);
    w.leaf('signer-app', s.signerApp);
    w.close(element);
  }
  w.close(tag);
}

const signed = (v: LearningAgreementVersion, party: LaParty) => v.signatures.some((s) => s.party === party);

/** Builds the get-response document for one learning agreement (by uuid), read from the database. */
export async function buildLaXml(em: EntityManager, learningAgreementId: string): Promise<string> {
  const la = await em.findOne(LearningAgreement, { id: learningAgreementId });
  if (!la) throw notFound('LearningAgreement', toGlobalId('LearningAgreement', learningAgreementId));
  const versions = await em.find(LearningAgreementVersion, { learningAgreement: la.id }, { orderBy: { number: 'asc' } });
  const application = await em.findOneOrFail(MobilityApplication, { id: la.application.id });
  const call = await em.findOneOrFail(MobilityCall, { id: application.call.id });

  const approved = versions.find((v) => v.number === la.approvedVersionNumber);
  const first = versions.find((v) => v.kind === LaVersionKind.FIRST_VERSION && v.state === LaVersionState.APPROVED);
  const pending = versions.find((v) => v.state === LaVersionState.PROPOSED && signed(v, LaParty.STUDENT) && signed(v, LaParty.SENDING));

  const w = new XmlWriter();
  w.open('omobility-las-get-response', { xmlns: OMOBILITY_LAS_NS, 'xmlns:trm': TERM_NS });
  if (!first && !pending) {
    w.close('omobility-las-get-response');
    return w.toString();
  }

  if (!application.placedAt) throw LaErrors.notExportable('the student holds no place, so there is no receiving institution', 'placedAt');
  const place = await em.findOneOrFail(CallPlace, { id: application.placedAt.id });
  const home = await em.findOneOrFail(Institution, { isHome: true });
  const partner = await em.findOneOrFail(Institution, { id: place.partner.id });
  for (const institution of [home, partner]) {
    if (!institution.schacCode) throw LaErrors.missingHeiId(toGlobalId('Institution', institution.id), institution.officialName);
  }
  const unit = await em.findOneOrFail(OrganisationalUnit, { id: application.unit.id });
  const [lineage] = await fetchLineages(em, [unit.id]);
  const account = await em.findOne(UserAccount, { subject: application.applicantSubject });
  const contacts = await em.find(ContactPerson, { institution: { $in: [home.id, partner.id] }, staffOnly: false });
  const allSignatures = versions.flatMap((v) => v.signatures);

  const start = application.plannedStart ?? application.actualStart;
  const end = application.plannedEnd ?? application.actualEnd;
  if (!start || !end) throw LaErrors.notExportable('set the mobility’s planned start and end dates first', 'plannedStart');
  if (!application.studyLevel) throw LaErrors.notExportable('the application has no study level (EWP needs the EQF level)', 'studyLevel');
  const isced = application.fieldOfStudy ?? place.iscedCodes[0];
  if (!isced) throw LaErrors.notExportable('the application has no field of study (ISCED-F)', 'fieldOfStudy');

  w.open('la');
  w.leaf('omobility-id', application.id);

  w.open('sending-hei');
  w.leaf('hei-id', home.schacCode);
  w.leaf('ounit-name', unit.name.en ?? unit.name.tr);
  w.leaf('ounit-id', unit.id);
  writeContact(w, contactFor(contacts.filter((c) => c.institution.id === home.id), [...lineage].reverse(), allSignatures, home, LaParty.SENDING));
  w.close('sending-hei');

  w.open('receiving-hei');
  w.leaf('hei-id', partner.schacCode);
  writeContact(w, contactFor(contacts.filter((c) => c.institution.id === partner.id), [], allSignatures, partner, LaParty.RECEIVING));
  w.close('receiving-hei');

  w.leaf('receiving-academic-year-id', call.academicYear);
  w.open('student');
  if (account?.displayName) {
    const { given, family } = splitName(account.displayName);
    w.leaf('given-names', given).leaf('family-name', family);
  }
  w.leaf('citizenship', application.citizenships[0]);
  if (account?.email && EMAIL.test(account.email)) w.leaf('email', account.email);
  w.close('student');
  w.leaf('start-date', start);
  w.leaf('end-date', end);
  w.leaf('eqf-level-studied-at-departure', EQF_OF_LEVEL[application.studyLevel]);
  w.leaf('isced-f-code', isced);
  w.open('student-language-skill').leaf('language', la.studentLanguage).leaf('cefr-level', la.studentCefrLevel).close('student-language-skill');

  // The change rows along the approved chain: what EWP's reasons for each net change come from.
  const approvedChanges = versions.filter((v) => v.kind === LaVersionKind.CHANGE_PROPOSAL && v.state === LaVersionState.APPROVED).flatMap((v) => v.changes);
  if (first) {
    writeList(w, 'first-version', first.components.map((component) => ({ component })), first.signatures);
    if (approved && approved.kind === LaVersionKind.CHANGE_PROPOSAL) {
      const net = changesSinceFirstVersion(first.components, approved.components, approvedChanges);
      writeList(w, 'approved-changes', net.map((change) => ({ component: change.component, change })), approved.signatures);
    }
  }
  if (pending) {
    const rows =
      pending.kind === LaVersionKind.FIRST_VERSION || !first
        ? pending.components.map((component) => ({ component }))
        : changesSinceFirstVersion(first.components, pending.components, [...approvedChanges, ...pending.changes]).map((change) => ({ component: change.component, change }));
    writeList(w, 'changes-proposal', rows, pending.signatures, { id: pending.id });
  }
  w.close('la');
  w.close('omobility-las-get-response');
  return w.toString();
}
