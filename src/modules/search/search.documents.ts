import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlArray } from '../../platform/db/sql-array';
import type { DeliveredEvent } from '../../platform/events/outbox';
import { PARTNER_STATUSES } from '../agreements/partner.service';
import { plainText } from '../content/content.markdown';
import { foldText } from '../institutions/institution-identifiers';
import { NEVER, type SearchDocument, type SearchType } from './search.types';

export interface SearchRef {
  type: SearchType;
  id: string;
}

const CONTENT_TYPES = new Set<SearchType>(['ANNOUNCEMENT', 'EVENT', 'PAGE', 'DOCUMENT', 'PROMOTIONAL_MATERIAL']);
/** Body text kept per document: enough to find an item by what it says, without indexing whole regulations. */
const MAX_TEXT = 8000;

export const uidOf = (ref: SearchRef) => `${ref.type}-${ref.id}`;

/** The records an outbox batch touched. Agreements bring their partner institutions (whether they are partners may have changed). */
export function refsOfEvents(events: readonly DeliveredEvent[]): SearchRef[] {
  const refs = new Map<string, SearchRef>();
  const add = (type: SearchType, id: string | undefined) => {
    if (id) refs.set(`${type}-${id}`, { type, id });
  };
  for (const event of events) {
    if (event.aggregateType === 'Institution') {
      add('INSTITUTION', event.aggregateId);
      add('INSTITUTION', event.payload.mergedId as string | undefined);
    } else if (event.aggregateType === 'Agreement') {
      add('AGREEMENT', event.aggregateId);
    } else if (event.aggregateType === 'Content') {
      const type = event.payload.contentType as SearchType | undefined;
      if (type && CONTENT_TYPES.has(type)) add(type, event.aggregateId);
    }
  }
  return [...refs.values()];
}

/**
 * The documents of these records as they are in the database now, and the uids of those that are gone (to be removed
 * from every index). A constant number of statements per batch, whatever its size.
 */
export async function buildSearchDocuments(em: EntityManager, refs: readonly SearchRef[]): Promise<{ upserts: SearchDocument[]; removals: string[] }> {
  const ids = (type: (t: SearchType) => boolean) => [...new Set(refs.filter((r) => type(r.type)).map((r) => r.id))];
  const agreementIds = ids((t) => t === 'AGREEMENT');
  const agreements = agreementIds.length ? await agreementDocuments(em, agreementIds) : [];
  // An agreement's partners are rebuilt with it: their public flag and fields of study follow its status.
  const partnerIds = agreementIds.length
    ? (await em.execute<{ id: string }[]>(`select distinct institution_id::text as id from agreement_partner where agreement_id = any(?::uuid[])`, [sqlArray(agreementIds)])).map(
        (r) => r.id,
      )
    : [];
  const institutionIds = [...new Set([...ids((t) => t === 'INSTITUTION'), ...partnerIds])];
  const institutions = institutionIds.length ? await institutionDocuments(em, institutionIds) : [];
  const contentIds = ids((t) => CONTENT_TYPES.has(t));
  const content = contentIds.length ? await contentDocuments(em, contentIds) : [];

  const upserts = [...institutions, ...agreements, ...content];
  const found = new Set(upserts.map((d) => d.uid));
  const removals = refs.map(uidOf).filter((uid) => !found.has(uid));
  return { upserts, removals };
}

/**
 * Every searchable record, in batches, for rebuilding an index. Archived content is not searchable (archiving removes
 * it); drafts are, by the office only.
 */
export async function* allSearchRefs(em: EntityManager, batchSize = 1000): AsyncGenerator<SearchRef[]> {
  const sources: [string, (row: { id: string; type?: string }) => SearchRef][] = [
    [`select id::text as id from institution where id > ?::uuid order by id limit ?`, (r) => ({ type: 'INSTITUTION', id: r.id })],
    [`select id::text as id from agreement where id > ?::uuid order by id limit ?`, (r) => ({ type: 'AGREEMENT', id: r.id })],
    [`select id::text as id, type from content_item where status <> 'ARCHIVED' and id > ?::uuid order by id limit ?`, (r) => ({ type: r.type as SearchType, id: r.id })],
  ];
  for (const [sql, toRef] of sources) {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await em.execute<{ id: string; type?: string }[]>(sql, [after, batchSize]);
      if (!rows.length) break;
      yield rows.map(toRef);
      after = rows[rows.length - 1].id;
      if (rows.length < batchSize) break;
    }
  }
}

/** How many documents each type should have: the drift check compares these with the indexes. */
export async function expectedCounts(em: EntityManager): Promise<Record<SearchType, number>> {
  const [row] = await em.execute<Record<string, number>[]>(`
    select (select count(*) from institution)::int as "INSTITUTION",
           (select count(*) from agreement)::int as "AGREEMENT",
           (select count(*) from content_item where type = 'ANNOUNCEMENT' and status <> 'ARCHIVED')::int as "ANNOUNCEMENT",
           (select count(*) from content_item where type = 'EVENT' and status <> 'ARCHIVED')::int as "EVENT",
           (select count(*) from content_item where type = 'PAGE' and status <> 'ARCHIVED')::int as "PAGE",
           (select count(*) from content_item where type = 'DOCUMENT' and status <> 'ARCHIVED')::int as "DOCUMENT",
           (select count(*) from content_item where type = 'PROMOTIONAL_MATERIAL' and status <> 'ARCHIVED')::int as "PROMOTIONAL_MATERIAL"`);
  return row as Record<SearchType, number>;
}

const epoch = (value: string | Date | null | undefined, otherwise: number) =>
  value ? Math.floor(new Date(value).getTime() / 1000) : otherwise;

const joined = (parts: (string | null | undefined)[]) => parts.filter((p): p is string => !!p && p.trim() !== '').join(' · ') || null;

interface InstitutionRow {
  id: string;
  official_name: string;
  name: { tr?: string; en?: string };
  other_names: string[];
  abbreviation: string | null;
  city: string | null;
  country: string;
  erasmus_code: string | null;
  schac_code: string | null;
  pic: string | null;
  oid: string | null;
  is_home: boolean;
  partner: boolean;
  isced: string[] | null;
  languages: string[] | null;
  updated_at: string;
}

async function institutionDocuments(em: EntityManager, ids: string[]): Promise<SearchDocument[]> {
  const rows = await em.execute<InstitutionRow[]>(
    `select i.id::text as id, i.official_name, i.name, i.other_names, i.abbreviation, i.city, i.country, i.erasmus_code, i.schac_code,
            i.pic, i.oid, i.is_home, i.updated_at,
            exists (select 1 from agreement_partner ap join agreement a on a.id = ap.agreement_id
                     where ap.institution_id = i.id and a.status = any(?::text[])) as partner,
            (select array_agg(distinct left(code, 2)) from agreement_partner ap
               join agreement a on a.id = ap.agreement_id and a.status = any(?::text[])
               join cooperation_condition c on c.agreement_id = a.id and (c.sending_institution_id = i.id or c.receiving_institution_id = i.id),
               unnest(c.isced_codes) code
              where ap.institution_id = i.id) as isced,
            (select array_agg(distinct lang) from agreement_partner ap
               join agreement a on a.id = ap.agreement_id and a.status = any(?::text[])
               join cooperation_condition c on c.agreement_id = a.id and (c.sending_institution_id = i.id or c.receiving_institution_id = i.id),
               unnest(c.language_codes) lang
              where ap.institution_id = i.id) as languages
       from institution i where i.id = any(?::uuid[])`,
    [sqlArray(PARTNER_STATUSES), sqlArray(PARTNER_STATUSES), sqlArray(PARTNER_STATUSES), sqlArray(ids)],
  );
  return rows.map((r) => {
    const titleTr = r.name.tr ?? r.official_name;
    const titleEn = r.name.en ?? r.official_name;
    const text = joined([r.official_name, ...r.other_names, r.abbreviation, r.city]);
    const codes = [r.erasmus_code, r.erasmus_code?.replace(/\s+/g, ''), r.schac_code, r.pic, r.oid].filter((c): c is string => !!c);
    return {
      uid: `INSTITUTION-${r.id}`,
      type: 'INSTITUTION',
      id: r.id,
      title_tr: titleTr,
      title_en: titleEn,
      text_tr: text,
      text_en: text,
      folded: foldText([titleTr, titleEn, text ?? ''].join(' ')),
      keywords: [...new Set(codes)],
      country: r.country.trim(),
      city: r.city,
      category: null,
      iscedBroadFields: (r.isced ?? []).filter((c) => /^\d{2}$/.test(c)).sort(),
      languages: (r.languages ?? []).sort(),
      // The public finds partners (and the home university); the office finds the whole directory.
      public: r.partner || r.is_home,
      publishAt: 0,
      unpublishAt: NEVER,
      displayAt: epoch(r.updated_at, 0),
    } satisfies SearchDocument;
  });
}

interface AgreementRow {
  id: string;
  title: string;
  reference: string | null;
  kind: string;
  status: string;
  partners: string[] | null;
  countries: string[] | null;
  updated_at: string;
}

async function agreementDocuments(em: EntityManager, ids: string[]): Promise<SearchDocument[]> {
  const rows = await em.execute<AgreementRow[]>(
    `select a.id::text as id, a.title, a.reference, a.kind, a.status, a.updated_at,
            (select array_agg(i.official_name order by i.official_name) from agreement_partner ap join institution i on i.id = ap.institution_id
              where ap.agreement_id = a.id and not i.is_home) as partners,
            (select array_agg(distinct i.country) from agreement_partner ap join institution i on i.id = ap.institution_id
              where ap.agreement_id = a.id and not i.is_home) as countries
       from agreement a where a.id = any(?::uuid[])`,
    [sqlArray(ids)],
  );
  return rows.map((r) => {
    const text = joined([r.reference, ...(r.partners ?? [])]);
    return {
      uid: `AGREEMENT-${r.id}`,
      type: 'AGREEMENT',
      id: r.id,
      title_tr: r.title,
      title_en: r.title,
      text_tr: text,
      text_en: text,
      folded: foldText(`${r.title} ${text ?? ''}`),
      keywords: r.reference ? [r.reference] : [],
      country: r.countries?.length === 1 ? r.countries[0].trim() : null,
      city: null,
      category: null,
      iscedBroadFields: [],
      languages: [],
      // Agreements are office records: never public.
      public: false,
      publishAt: 0,
      unpublishAt: NEVER,
      displayAt: epoch(r.updated_at, 0),
    } satisfies SearchDocument;
  });
}

interface ContentRow {
  id: string;
  type: SearchType;
  status: string;
  title: { tr?: string; en?: string };
  summary: { tr?: string; en?: string };
  body: { tr?: string; en?: string };
  venue: { tr?: string; en?: string } | null;
  tags: string[];
  category: string | null;
  publish_at: string | null;
  unpublish_at: string | null;
  display_at: string;
}

async function contentDocuments(em: EntityManager, ids: string[]): Promise<SearchDocument[]> {
  const rows = await em.execute<ContentRow[]>(
    `select c.id::text as id, c.type, c.status, c.title, c.summary, c.body, c.venue, c.tags, cat.key as category,
            c.publish_at, c.unpublish_at, c.display_at
       from content_item c left join content_category cat on cat.id = c.category_id
      where c.id = any(?::uuid[]) and c.status <> 'ARCHIVED'`,
    [sqlArray(ids)],
  );
  return rows.map((r) => {
    const textOf = (locale: 'tr' | 'en') =>
      joined([r.summary[locale], r.body[locale] ? plainText(r.body[locale]!) : null, r.venue?.[locale]])?.slice(0, MAX_TEXT) ?? null;
    const textTr = textOf('tr');
    const textEn = textOf('en');
    return {
      uid: `${r.type}-${r.id}`,
      type: r.type,
      id: r.id,
      title_tr: r.title.tr ?? null,
      title_en: r.title.en ?? null,
      text_tr: textTr,
      text_en: textEn,
      folded: foldText([r.title.tr, r.title.en, textTr, textEn].filter(Boolean).join(' ')).slice(0, MAX_TEXT * 2),
      keywords: r.tags,
      country: null,
      city: null,
      category: r.category,
      iscedBroadFields: [],
      languages: (['tr', 'en'] as const).filter((l) => r.title[l]),
      // Published items are public inside their window; the engines check the window at query time.
      public: r.status === 'PUBLISHED',
      publishAt: epoch(r.publish_at, 0),
      unpublishAt: epoch(r.unpublish_at, NEVER),
      displayAt: epoch(r.display_at, 0),
    } satisfies SearchDocument;
  });
}
