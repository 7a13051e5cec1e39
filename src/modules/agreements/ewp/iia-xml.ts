/**
 * An agreement as an EWP IIAs API v7 `get` response (`ewp/iias-get-response.xsd`), with its `iia-hash`.
 *
 * Mapping: the home institution is the first `partner` (the schema requires the local HEI first), the agreement's
 * one partner the second; `hei-id` is each institution's SCHAC code (required: EWP_MISSING_HEI_ID otherwise);
 * the home side's `iia-id` is `ewpIiaId`, or the agreement's uuid while it has none, its `iia-code` the office's
 * reference (or the iia-id); the partner's `iia-id` is `ewpPartnerIiaId` when known. Signatories and signing dates
 * become `signing-contact` / `signing-date`; public (non staff-only) contacts of each institution, and of the unit
 * the agreement is with, become `c:contact`. Home units travel as their immutable uuid (`ounit-id`); a partner's
 * units are left out, because EWP wants the partner's own ounit-id, which the directory does not hold.
 *
 * Cooperation conditions go in the order the schema's sequence demands (studies, traineeships, teaching,
 * training), by position within each kind; the hash follows that order. Things the schema cannot carry are refused
 * with EWP_NOT_EXPORTABLE rather than dropped: more than one partner, an ISCED code of fewer than four digits, a
 * student-studies or staff-teaching condition without a recommended language.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound } from '../../../platform/errors/domain-error';
import { toGlobalId } from '../../../platform/graphql/relay';
import { ContactPerson, ContactRole } from '../../institutions/contact-person.entity';
import { Institution } from '../../institutions/institution.entity';
import { Agreement, AgreementStatus, CooperationCondition, MobilityType } from '../agreement.entity';
import { EwpErrors } from './ewp.errors';
import { computeIiaHashes } from './iia-hash';
import { XmlWriter } from './xml-writer';

export const IIAS_V7_NS = 'https://github.com/erasmus-without-paper/ewp-specs-api-iias/blob/stable-v7/endpoints/get-response.xsd';
export const CONTACT_NS = 'https://github.com/erasmus-without-paper/ewp-specs-types-contact/tree/stable-v1';
export const PHONE_NS = 'https://github.com/erasmus-without-paper/ewp-specs-types-phonenumber/tree/stable-v1';

/** The element of each mobility type, in the order `cooperation-conditions` lists them. */
export const SPEC_ELEMENTS: Record<MobilityType, string> = {
  [MobilityType.SMS]: 'student-studies-mobility-spec',
  [MobilityType.SMT]: 'student-traineeship-mobility-spec',
  [MobilityType.STA]: 'staff-teacher-mobility-spec',
  [MobilityType.STT]: 'staff-training-mobility-spec',
};
const SPEC_ORDER = [MobilityType.SMS, MobilityType.SMT, MobilityType.STA, MobilityType.STT];
const STUDENT = [MobilityType.SMS, MobilityType.SMT];
/** The specs whose schema requires at least one recommended-language-skill. */
const LANGUAGE_REQUIRED = [MobilityType.SMS, MobilityType.STA];

export interface IiaExport {
  xml: string;
  /** The `iia-hash` written into the document. */
  hash: string;
  /** The home side's `iia-id`. */
  iiaId: string;
}

const ROLE_TEXT: Record<ContactRole, string> = {
  INTERNATIONAL_COORDINATOR: 'International coordinator',
  ACADEMIC_COORDINATOR: 'Academic coordinator',
  SIGNATORY: 'Signatory',
  ADMISSIONS: 'Admissions',
  OTHER: 'Contact',
};
const EMAIL = /^[^@]+@[^.]+\..+$/;
const E164 = /^\+[0-9]{1,15}$/;

function heiId(institution: Institution): string {
  if (!institution.schacCode) throw EwpErrors.missingHeiId(toGlobalId('Institution', institution.id), institution.officialName);
  return institution.schacCode;
}

function writeContact(w: XmlWriter, tag: string, contact: { name: string; email?: string | null; phone?: string | null; role?: ContactRole }) {
  w.open(tag);
  w.leaf('c:contact-name', contact.name);
  const phone = contact.phone?.replace(/[\s()-]/g, '');
  if (phone && E164.test(phone)) w.open('p:phone-number').leaf('p:e164', phone).close('p:phone-number');
  else if (contact.phone) w.open('p:phone-number').leaf('p:other-format', contact.phone).close('p:phone-number');
  if (contact.email && EMAIL.test(contact.email)) w.leaf('c:email', contact.email);
  if (contact.role) w.leaf('c:role-description', ROLE_TEXT[contact.role], { 'xml:lang': 'en' });
  w.close(tag);
}

function checkCondition(c: CooperationCondition, index: number) {
  const field = `conditions.${index}`;
  if (LANGUAGE_REQUIRED.includes(c.mobilityType) && c.languages.length === 0) {
    throw EwpErrors.notExportable(`condition ${index + 1} (${c.mobilityType}) needs at least one recommended language`, field);
  }
  const short = c.subjectAreas.find((s) => !/^\d{4}$/.test(s.isced));
  if (short) throw EwpErrors.notExportable(`condition ${index + 1}: EWP needs four-digit ISCED-F codes, not ${short.isced}`, field);
}

/** True when the agreement is, or once was, in effect (signed by both). */
function wasInEffect(agreement: Agreement): boolean {
  if (agreement.status === AgreementStatus.IN_EFFECT || agreement.status === AgreementStatus.EXPIRED) return true;
  return agreement.status === AgreementStatus.TERMINATED && !!agreement.homeSignedOn && !!agreement.partnerSignedOn;
}

/** Builds the get-response document for one agreement (by uuid), read from the database. */
export async function buildIiaExport(em: EntityManager, agreementId: string): Promise<IiaExport> {
  const agreement = await em.findOne(Agreement, { id: agreementId }, {
    populate: ['homeUnit', 'partners.institution', 'partners.unit', 'conditions.sendingUnit', 'conditions.receivingUnit'],
  });
  if (!agreement) throw notFound('Agreement', toGlobalId('Agreement', agreementId));
  const home = await em.findOneOrFail(Institution, { isHome: true });
  const partners = agreement.partners.getItems();
  if (partners.length !== 1) {
    throw EwpErrors.notExportable(`an EWP IIA is between two institutions, and this agreement has ${partners.length} partners besides the home institution`, 'partners');
  }
  const [party] = partners;
  const partner = party.institution.getEntity();
  const homeHei = heiId(home);
  const partnerHei = heiId(partner);
  const heiOf = (institutionId: string) => (institutionId === home.id ? homeHei : partnerHei);

  const conditions = [...agreement.conditions.getItems()].sort((a, b) => a.position - b.position);
  conditions.forEach(checkCondition);

  const contacts = await em.find(
    ContactPerson,
    { institution: { $in: [home.id, partner.id] }, staffOnly: false },
    { orderBy: { role: 'asc', name: 'asc', id: 'asc' } },
  );
  const contactsOf = (institution: Institution, unitId: string | undefined) =>
    contacts.filter((c) => c.institution.id === institution.id && (!c.unit || c.unit.id === unitId));

  const iiaId = agreement.ewpIiaId ?? agreement.id;
  const w = new XmlWriter();
  w.open('iias-get-response', { xmlns: IIAS_V7_NS, 'xmlns:c': CONTACT_NS, 'xmlns:p': PHONE_NS });
  w.open('iia');

  w.open('partner');
  w.leaf('hei-id', homeHei);
  w.leaf('ounit-id', agreement.homeUnit?.id);
  w.leaf('iia-id', iiaId);
  w.leaf('iia-code', agreement.reference ?? iiaId);
  if (agreement.homeSignatory) writeContact(w, 'signing-contact', { name: agreement.homeSignatory });
  w.leaf('signing-date', agreement.homeSignedOn);
  for (const c of contactsOf(home, agreement.homeUnit?.id)) writeContact(w, 'c:contact', c);
  w.close('partner');

  w.open('partner');
  w.leaf('hei-id', partnerHei);
  w.leaf('iia-id', agreement.ewpPartnerIiaId);
  if (agreement.partnerSignatory) writeContact(w, 'signing-contact', { name: agreement.partnerSignatory });
  w.leaf('signing-date', agreement.partnerSignedOn);
  for (const c of contactsOf(partner, party.unit?.id)) writeContact(w, 'c:contact', c);
  w.close('partner');

  const inEffect = wasInEffect(agreement);
  w.leaf('in-effect', inEffect);
  w.open('cooperation-conditions', { 'terminated-as-a-whole': agreement.status === AgreementStatus.TERMINATED && inEffect ? 'true' : null });
  for (const type of SPEC_ORDER) {
    for (const c of conditions.filter((x) => x.mobilityType === type)) {
      const tag = SPEC_ELEMENTS[type];
      const student = STUDENT.includes(type);
      w.open(tag);
      w.leaf('sending-hei-id', heiOf(c.sendingInstitution.id));
      if (c.sendingInstitution.id === home.id) w.leaf('sending-ounit-id', c.sendingUnit?.id);
      w.leaf('receiving-hei-id', heiOf(c.receivingInstitution.id));
      if (c.receivingInstitution.id === home.id) w.leaf('receiving-ounit-id', c.receivingUnit?.id);
      w.leaf('receiving-first-academic-year-id', c.firstAcademicYear);
      w.leaf('receiving-last-academic-year-id', c.lastAcademicYear);
      w.leaf('mobilities-per-year', c.mobilitiesPerYear);
      for (const l of c.languages) {
        w.open('recommended-language-skill').leaf('language', l.language).leaf('cefr-level', l.cefr).close('recommended-language-skill');
      }
      for (const s of c.subjectAreas) {
        w.open('subject-area').leaf('isced-f-code', s.isced).leaf('isced-clarification', s.clarification).close('subject-area');
      }
      if (student) {
        if (c.totalMonthsPerYear !== null && c.totalMonthsPerYear !== undefined) w.leaf('total-months-per-year', Number(c.totalMonthsPerYear));
        w.leaf('blended', c.blended);
        for (const level of c.eqfLevels) w.leaf('eqf-level', level);
      } else if (c.totalDaysPerYear !== null && c.totalDaysPerYear !== undefined) {
        w.leaf('total-days-per-year', Number(c.totalDaysPerYear));
      }
      w.close(tag);
    }
  }
  w.close('cooperation-conditions');
  const placeholder = '0'.repeat(64);
  w.leaf('iia-hash', placeholder);
  w.close('iia');
  w.close('iias-get-response');

  const draft = w.toString();
  const [{ hash }] = computeIiaHashes(draft);
  return { xml: draft.replace(`<iia-hash>${placeholder}</iia-hash>`, `<iia-hash>${hash}</iia-hash>`), hash, iiaId };
}
