import { FlushMode, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { findPage } from '../../platform/db/pagination';
import { invalidInput, notFound, versionConflict } from '../../platform/errors/domain-error';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId, pageRequest, toGlobalId, type ConnectionArgs, type ConnectionShape } from '../../platform/graphql/relay';
import { ContactPerson } from './contact-person.entity';
import { canonicalErasmusCode, domainOf, ERASMUS_PREFIXES, foldText, isoCountry, normaliseWebsite } from './institution-identifiers';
import { Institution } from './institution.entity';
import { InstitutionErrors } from './institution.errors';
import {
  InstitutionOrderField,
  type ContactPersonInput,
  type CreateInstitutionInput,
  type InstitutionFilter,
  type InstitutionOrder,
  type UpdateHomeInstitutionInput,
  type UpdateInstitutionInput,
} from './institution.inputs';
import { contactsByInstitution, institutionById } from './institution.loaders';
import { OrganisationalUnit } from './organisational-unit.entity';

export const INSTITUTION_TYPE = 'Institution';
export const CONTACT_TYPE = 'ContactPerson';

export async function requireHomeInstitution(em: EntityManager): Promise<Institution> {
  const home = await em.findOne(Institution, { isHome: true });
  if (!home) throw InstitutionErrors.homeInstitutionMissing();
  return home;
}

export function homeInstitution(ctx: RequestContext): Promise<Institution> {
  return requireHomeInstitution(ctx.em);
}

export function topLevelUnits(ctx: RequestContext, institution: Institution): Promise<OrganisationalUnit[]> {
  return ctx.em.find(OrganisationalUnit, { institution: institution.id, parent: null }, { orderBy: { code: 'asc' } });
}

export function getInstitution(ctx: RequestContext, id: string): Promise<Institution | null> {
  return ctx.loader(institutionById).load(id);
}

export async function updateHomeInstitution(ctx: RequestContext, input: UpdateHomeInstitutionInput): Promise<Institution> {
  const id = fromGlobalId(input.id, INSTITUTION_TYPE, 'input.id');
  return ctx.transaction(async (tx) => {
    const home = await tx.em.findOne(Institution, { id, isHome: true });
    if (!home) throw notFound(INSTITUTION_TYPE, input.id);
    if (home.version !== input.version) throw versionConflict(INSTITUTION_TYPE, input.version, home.version);
    if (input.name) {
      const name = { ...home.name, ...Object.fromEntries(Object.entries(input.name).filter(([, v]) => v)) };
      home.name = name;
    }
    for (const field of ['abbreviation', 'city', 'website', 'schacCode', 'erasmusCode'] as const) {
      if (input[field] !== undefined) home[field] = input[field] ?? undefined;
    }
    await tx.em.flush();
    tx.emit({ type: 'institution.updated', aggregateType: INSTITUTION_TYPE, aggregateId: home.id, aggregateVersion: home.version });
    return home;
  });
}

// --- The directory ---------------------------------------------------------------------------------------------------

const IDENTIFIERS = ['erasmusCode', 'schacCode', 'pic', 'oid'] as const;

/** Staff: the whole directory, every imported institution, partner or not. */
export async function listInstitutions(
  ctx: RequestContext,
  filter: InstitutionFilter | undefined,
  order: InstitutionOrder | undefined,
  args: ConnectionArgs,
): Promise<ConnectionShape<Institution>> {
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const where: FilterQuery<Institution>[] = [];
  if (filter?.countries?.length) where.push({ country: { $in: filter.countries } });
  if (filter?.city) where.push({ city: { $ilike: escapeLike(filter.city) } });
  if (filter?.kinds?.length) where.push({ kind: { $in: filter.kinds } });
  if (filter?.hasErasmusCode !== undefined && filter.hasErasmusCode !== null) {
    where.push({ erasmusCode: filter.hasErasmusCode ? { $ne: null } : null });
  }
  if (filter?.search) {
    const ids = await searchInstitutionIds(ctx.em, filter.search, 500);
    where.push({ id: { $in: ids } });
  }
  const field = order?.field ?? InstitutionOrderField.NAME;
  const direction = order?.direction ?? 'asc';
  return findPage(ctx.em, Institution, where.length ? { $and: where } : {}, [
    { field: field as keyof Institution & string, direction },
    { field: 'id', direction },
  ], page);
}

/**
 * SQL matching what a person typed against an institution's folded names and identifiers: every word must occur
 * (`bogazici`, `ISTANBUL TEKNIK`, `dberlin01`, `lodz`), each either literally or close enough by trigram word
 * similarity to tolerate a typo (`humbolt`).
 */
export function institutionSearchSql(column: string, text: string): { sql: string; params: string[] } | undefined {
  const folded = foldText(text);
  if (!folded) return undefined;
  const words = folded.split(' ');
  return {
    sql: `(${words.map(() => `(${column} like ? or ? <% ${column})`).join(' and ')})`,
    params: words.flatMap((w) => [`%${escapeLike(w)}%`, w]),
  };
}

/** Ids of institutions matching a search, best matches first. */
export async function searchInstitutionIds(em: EntityManager, text: string, limit: number): Promise<string[]> {
  const match = institutionSearchSql('search_text', text);
  if (!match) return [];
  const folded = foldText(text);
  const rows = await em.execute<{ id: string }[]>(
    `select id from institution where ${match.sql}
      order by word_similarity(?, search_text) desc, official_name limit ?`,
    [...match.params, folded, limit],
  );
  return rows.map((r) => r.id);
}

/** Staff: an institution by any identifier: Erasmus code in any spelling, SCHAC code, PIC, OID or web domain. */
export async function lookupInstitution(ctx: RequestContext, identifier: string): Promise<Institution | null> {
  const raw = identifier.trim();
  // Typed without spaces, a code may read with more than one country prefix (`aleoben01`: A LEOBEN01 or AL EOBEN01;
  // without a country to prefer, the longest prefix would win): any reading that is a stored code matches.
  const erasmus = [
    ...new Set([undefined, ...Object.values(ERASMUS_PREFIXES)].map((country) => canonicalErasmusCode(raw, country)).filter((c): c is string => !!c)),
  ];
  const domain = domainOf(raw);
  const or: FilterQuery<Institution>[] = [{ pic: raw }, { oid: raw.toUpperCase() }];
  if (erasmus.length) or.push({ erasmusCode: { $in: erasmus } });
  if (domain) or.push({ schacCode: domain }, { emailDomains: { $contains: [domain] } } as FilterQuery<Institution>);
  return ctx.em.findOne(Institution, { $or: or });
}

export async function createInstitution(ctx: RequestContext, input: CreateInstitutionInput): Promise<Institution> {
  return ctx.transaction(async (tx) => {
    const institution = tx.em.create(Institution, { officialName: input.officialName.trim(), name: {}, country: input.country } as never);
    applyInstitutionInput(institution, input);
    institution.sources = ['staff'];
    await ensureIdentifiersFree(tx.em, institution);
    await tx.em.flush();
    tx.emit({ type: 'institution.created', aggregateType: INSTITUTION_TYPE, aggregateId: institution.id, aggregateVersion: institution.version });
    return institution;
  });
}

export async function updateInstitution(ctx: RequestContext, input: UpdateInstitutionInput): Promise<Institution> {
  const id = fromGlobalId(input.id, INSTITUTION_TYPE, 'input.id');
  return ctx.transaction(async (tx) => {
    const institution = await tx.em.findOne(Institution, { id });
    if (!institution) throw notFound(INSTITUTION_TYPE, input.id);
    if (institution.version !== input.version) throw versionConflict(INSTITUTION_TYPE, input.version, institution.version);
    applyInstitutionInput(institution, input);
    // Marked as edited by the office: later imports never overwrite what staff corrected.
    if (!institution.sources.includes('staff')) institution.sources = [...institution.sources, 'staff'];
    await ensureIdentifiersFree(tx.em, institution);
    await tx.em.flush();
    tx.emit({ type: 'institution.updated', aggregateType: INSTITUTION_TYPE, aggregateId: institution.id, aggregateVersion: institution.version });
    return institution;
  });
}

/** Copies the given fields, normalising codes and URLs; an identifier that cannot be normalised is bad input. */
function applyInstitutionInput(institution: Institution, input: Partial<CreateInstitutionInput>): void {
  if (input.officialName) institution.officialName = input.officialName.trim();
  if (input.name) institution.name = { ...institution.name, ...Object.fromEntries(Object.entries(input.name).filter(([, v]) => v)) };
  if (input.otherNames) institution.otherNames = [...new Set(input.otherNames.map((n) => n.trim()))];
  if (input.kind) institution.kind = input.kind;
  if (input.country) institution.country = isoCountry(input.country);
  for (const field of ['city', 'street', 'postCode', 'abbreviation', 'logoUrl', 'internalNote', 'echeStart', 'echeEnd', 'pic', 'oid'] as const) {
    if (input[field] !== undefined) institution[field] = input[field] ?? undefined;
  }
  if (input.schacCode !== undefined) institution.schacCode = input.schacCode ?? undefined;
  if (input.website !== undefined) {
    const website = input.website === null ? undefined : normaliseWebsite(input.website);
    if (input.website && !website) throw invalidInput('website', 'website must be a web address (e.g. www.uni.example)');
    institution.website = website;
  }
  if (input.erasmusCode !== undefined) {
    const code = input.erasmusCode === null ? undefined : canonicalErasmusCode(input.erasmusCode, institution.country);
    if (input.erasmusCode && !code) {
      throw invalidInput('erasmusCode', 'erasmusCode must be a country prefix, a city of up to 8 letters and 2 digits (e.g. D BERLIN01)', 'INVALID_ERASMUS_CODE');
    }
    institution.erasmusCode = code;
  }
  if (input.emailDomains) institution.emailDomains = [...new Set(input.emailDomains)];
  const websiteDomain = domainOf(institution.website);
  if (websiteDomain && !institution.emailDomains.includes(websiteDomain)) institution.emailDomains = [...institution.emailDomains, websiteDomain];
  if (institution.echeStart && institution.echeEnd && institution.echeEnd < institution.echeStart) {
    throw invalidInput('echeEnd', 'echeEnd must not be before echeStart');
  }
}

/** Identifiers are unique across the directory: a clash names the field and the institution holding it. */
async function ensureIdentifiersFree(em: EntityManager, institution: Institution): Promise<void> {
  const or = IDENTIFIERS.filter((f) => institution[f]).map((f) => ({ [f]: institution[f] }));
  if (or.length === 0) return;
  // Without auto-flush: flushing the pending insert or update first would hit the unique constraint before the
  // check could name the clash (an INTERNAL_SERVER_ERROR instead of IDENTIFIER_TAKEN).
  const clashes = await em.find(Institution, { $or: or, id: { $ne: institution.id } } as FilterQuery<Institution>, {
    flushMode: FlushMode.COMMIT,
  });
  for (const other of clashes) {
    const field = IDENTIFIERS.find((f) => institution[f] && other[f] === institution[f])!;
    throw InstitutionErrors.identifierTaken(field, institution[field]!, toGlobalId(INSTITUTION_TYPE, other.id), other.officialName);
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

// --- Contacts --------------------------------------------------------------------------------------------------------

/** Contacts of an institution; staff-only ones only for the office. */
export function contactsOf(ctx: RequestContext, institution: Institution): Promise<ContactPerson[]> {
  return ctx.loader(contactsByInstitution).load(institution.id).then((all) => (ctx.viewer.isOffice ? all : all.filter((c) => !c.staffOnly)));
}

export async function addContactPerson(ctx: RequestContext, input: ContactPersonInput): Promise<ContactPerson> {
  if (!input.institutionId) throw invalidInput('input.institutionId', 'institutionId is required for a new contact');
  if (!input.role) throw invalidInput('input.role', 'role is required for a new contact');
  if (!input.name) throw invalidInput('input.name', 'name is required for a new contact');
  const institutionId = fromGlobalId(input.institutionId, INSTITUTION_TYPE, 'input.institutionId');
  return ctx.transaction(async (tx) => {
    const institution = await tx.em.findOne(Institution, { id: institutionId });
    if (!institution) throw notFound(INSTITUTION_TYPE, input.institutionId!);
    const contact = tx.em.create(ContactPerson, { institution, role: input.role, name: input.name!.trim() } as never);
    await applyContactInput(tx.em, contact, institutionId, input);
    await tx.em.flush();
    tx.emit({ type: 'contactPerson.added', aggregateType: CONTACT_TYPE, aggregateId: contact.id, aggregateVersion: contact.version, payload: { institutionId } });
    return contact;
  });
}

export async function updateContactPerson(ctx: RequestContext, globalId: string, version: number, input: ContactPersonInput): Promise<ContactPerson> {
  const id = fromGlobalId(globalId, CONTACT_TYPE);
  return ctx.transaction(async (tx) => {
    const contact = await tx.em.findOne(ContactPerson, { id });
    if (!contact) throw notFound(CONTACT_TYPE, globalId);
    if (contact.version !== version) throw versionConflict(CONTACT_TYPE, version, contact.version);
    if (input.institutionId) throw invalidInput('input.institutionId', 'a contact cannot move to another institution');
    if (input.role) contact.role = input.role;
    if (input.name) contact.name = input.name.trim();
    await applyContactInput(tx.em, contact, contact.institution.id, input);
    await tx.em.flush();
    tx.emit({ type: 'contactPerson.updated', aggregateType: CONTACT_TYPE, aggregateId: contact.id, aggregateVersion: contact.version });
    return contact;
  });
}

export async function removeContactPerson(ctx: RequestContext, globalId: string): Promise<string> {
  const id = fromGlobalId(globalId, CONTACT_TYPE);
  return ctx.transaction(async (tx) => {
    const contact = await tx.em.findOne(ContactPerson, { id });
    if (!contact) throw notFound(CONTACT_TYPE, globalId);
    tx.em.remove(contact);
    tx.emit({ type: 'contactPerson.removed', aggregateType: CONTACT_TYPE, aggregateId: contact.id });
    return globalId;
  });
}

async function applyContactInput(em: EntityManager, contact: ContactPerson, institutionId: string, input: ContactPersonInput) {
  if (input.email !== undefined) contact.email = input.email ?? undefined;
  if (input.phone !== undefined) contact.phone = input.phone ?? undefined;
  if (input.staffOnly !== undefined && input.staffOnly !== null) contact.staffOnly = input.staffOnly;
  if (input.unitId) {
    const unitId = fromGlobalId(input.unitId, 'OrganisationalUnit', 'input.unitId');
    const unit = await em.findOne(OrganisationalUnit, { id: unitId, institution: institutionId });
    if (!unit) throw invalidInput('input.unitId', 'the unit does not belong to this institution', 'UNIT_NOT_IN_INSTITUTION');
    contact.unit = em.getReference(OrganisationalUnit, unitId) as never;
  }
}

// --- Duplicates ------------------------------------------------------------------------------------------------------

export interface DuplicateCandidate {
  first: Institution;
  second: Institution;
  similarity: number;
  sharedDomains: string[];
}

/**
 * Pairs of institutions in one country that look like the same one: a shared web or e-mail domain, or names
 * similar by trigrams. Pairs whose Erasmus codes both exist and differ are different institutions and never listed.
 */
export async function duplicateCandidates(ctx: RequestContext, country: string | undefined, limit: number): Promise<DuplicateCandidate[]> {
  const rows = await ctx.em.execute<{ a: string; b: string; similarity: number; shared: string[] | string | null }[]>(
    `select a.id::text as a, b.id::text as b, similarity(a.search_text, b.search_text)::float as similarity,
            array(select unnest(a.email_domains) intersect select unnest(b.email_domains)) as shared
       from institution a
       join institution b on b.country = a.country and b.id > a.id
        and (b.search_text % a.search_text or b.email_domains && a.email_domains)
      where (?::text is null or a.country = ?)
        and not (a.erasmus_code is not null and b.erasmus_code is not null and a.erasmus_code <> b.erasmus_code)
      order by cardinality(array(select unnest(a.email_domains) intersect select unnest(b.email_domains))) desc, 3 desc
      limit ?`,
    [country ?? null, country ?? null, limit],
  );
  const institutions = await ctx.em.find(Institution, { id: { $in: rows.flatMap((r) => [r.a, r.b]) } });
  const byId = new Map(institutions.map((i) => [i.id, i]));
  const list = (v: string[] | string | null) => (Array.isArray(v) ? v : typeof v === 'string' ? v.replace(/^\{|\}$/g, '').split(',').filter(Boolean) : []);
  return rows.map((r) => ({ first: byId.get(r.a)!, second: byId.get(r.b)!, similarity: Math.round(r.similarity * 100) / 100, sharedDomains: list(r.shared) }));
}

const MERGED_IDENTIFIERS = ['erasmusCode', 'schacCode', 'pic', 'oid'] as const;
const MERGED_FIELDS = ['abbreviation', 'city', 'street', 'postCode', 'website', 'logoUrl', 'echeStart', 'echeEnd', 'internalNote'] as const;

/**
 * Merges a duplicate into the institution to keep: agreements, conditions, contacts and units move over, missing
 * fields and identifiers are filled in, names and domains are kept as other spellings, and the duplicate is
 * removed — all in one transaction. Two records with different identifiers are different institutions: refused.
 */
export async function mergeInstitutions(ctx: RequestContext, keepGlobalId: string, duplicateGlobalId: string): Promise<Institution> {
  const keepId = fromGlobalId(keepGlobalId, INSTITUTION_TYPE, 'keepId');
  const duplicateId = fromGlobalId(duplicateGlobalId, INSTITUTION_TYPE, 'duplicateId');
  if (keepId === duplicateId) throw invalidInput('duplicateId', 'an institution cannot be merged into itself', 'SAME_INSTITUTION');
  return ctx.transaction(async (tx) => {
    const [keep, duplicate] = await Promise.all([tx.em.findOne(Institution, { id: keepId }), tx.em.findOne(Institution, { id: duplicateId })]);
    if (!keep) throw notFound(INSTITUTION_TYPE, keepGlobalId);
    if (!duplicate) throw notFound(INSTITUTION_TYPE, duplicateGlobalId);
    if (duplicate.isHome) throw InstitutionErrors.mergeRefused('duplicateId', 'the home institution cannot be merged away; keep it instead');
    for (const field of MERGED_IDENTIFIERS) {
      if (keep[field] && duplicate[field] && keep[field] !== duplicate[field]) {
        throw InstitutionErrors.mergeRefused(field, `they have different ${field}s (${keep[field]} and ${duplicate[field]}): different institutions`);
      }
    }
    const [clash] = await tx.em.execute<{ code: string }[]>(
      `select d.code from organisational_unit d join organisational_unit k on k.code = d.code and k.institution_id = ?
        where d.institution_id = ? limit 1`,
      [keepId, duplicateId],
    );
    if (clash) throw InstitutionErrors.mergeRefused('duplicateId', `both have a unit with code ${clash.code}; rename one first`);
    const [memberships] = await tx.em.execute<{ n: number }[]>(
      `select count(*)::int as n from association_membership where association_id in (?, ?)`,
      [keepId, duplicateId],
    );
    if (memberships.n > 1) throw InstitutionErrors.mergeRefused('duplicateId', 'both have an association membership');
    // Agreements where both appear keep one party row; the rest move over, with everything else that points here.
    await tx.em.execute(
      `delete from agreement_partner d using agreement_partner k
        where d.institution_id = ? and k.institution_id = ? and k.agreement_id = d.agreement_id`,
      [duplicateId, keepId],
    );
    for (const [table, column] of [
      ['agreement_partner', 'institution_id'],
      ['cooperation_condition', 'sending_institution_id'],
      ['cooperation_condition', 'receiving_institution_id'],
      ['contact_person', 'institution_id'],
      ['organisational_unit', 'institution_id'],
      ['association_membership', 'association_id'],
    ] as const) {
      await tx.em.execute(`update ${table} set ${column} = ? where ${column} = ?`, [keepId, duplicateId]);
    }
    const taken = Object.fromEntries(MERGED_IDENTIFIERS.map((f) => [f, keep[f] ?? duplicate[f]]));
    const filled = Object.fromEntries(MERGED_FIELDS.map((f) => [f, keep[f] ?? duplicate[f]]));
    const otherNames = [...new Set([...keep.otherNames, duplicate.officialName, ...duplicate.otherNames, ...Object.values(duplicate.name)])].filter(
      (n): n is string => !!n && n !== keep.officialName,
    );
    const emailDomains = [...new Set([...keep.emailDomains, ...duplicate.emailDomains])];
    const sources = [...new Set([...keep.sources, ...duplicate.sources])];
    const name = { ...duplicate.name, ...keep.name };
    // The duplicate goes first, so that its identifiers are free for the institution that keeps them.
    await tx.em.execute(`delete from institution where id = ?`, [duplicateId]);
    tx.em.getUnitOfWork().unsetIdentity(duplicate);
    Object.assign(keep, taken, filled, { otherNames, emailDomains, sources, name });
    await tx.em.flush();
    tx.emit({
      type: 'institution.merged',
      aggregateType: INSTITUTION_TYPE,
      aggregateId: keep.id,
      aggregateVersion: keep.version,
      payload: { mergedId: duplicateId, mergedName: duplicate.officialName },
    });
    return keep;
  });
}
