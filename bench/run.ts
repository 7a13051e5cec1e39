/**
 * Public read-path benchmark: starts a hub (embedded PGlite in a temporary directory, or DATABASE_URL), imports the
 * full reference data (10,251 world universities + 5,912 ECHE holders) and about 1,500 agreements, then times the
 * queries the public website sends. Prints import time, latency percentiles, throughput, SQL statements per
 * operation and memory. Never part of the test suite; loopback traffic only, bounded in count.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loadConfig } from '../src/config/config';
import { startHub } from '../src/hub';
import { seedAgreements, type AgreementSeed } from '../src/modules/agreements/agreement.seed';
import { SEEDS_DIR } from '../src/modules';
import { importPartners, parseImportText } from '../src/modules/institutions/institution-import.service';
import { MeiliEngine } from '../src/modules/search/meili.engine';
import { meiliOptions } from '../src/modules/search/meili.index';
import { PgEngine } from '../src/modules/search/pg.engine';
import { reindex } from '../src/modules/search/reindex';
import { SEARCH_TYPES, type SearchEngine } from '../src/modules/search/search.types';
import { signDevelopmentToken } from '../src/platform/auth/tokens';

const SCENARIOS: Record<string, string> = {
  'home institution with unit tree': `{ homeInstitution { id name topLevelUnits { id code name children { id code name } } } }`,
  'units page (20) with parent + children': `{ organisationalUnits(first: 20) { totalCount edges { cursor node { id code name kind parent { id code } children { id code } } } } }`,
  'units search': `{ organisationalUnits(first: 10, filter: { search: "müh" }) { nodes { id code name } } }`,
  'partners page (20) with cooperation': `{ partners(first: 20) { totalCount nodes { id name country city website cooperation { agreementKinds mobilityTypes iscedCodes languages } } } }`,
  'partners filtered (DE, ISCED 06, active)': `{ partners(first: 20, filter: { countries: ["DE"], iscedCodes: ["06"], hasActiveAgreement: true }) { totalCount nodes { id name } } }`,
  'partner facets (no filter)': `{ partnerFacets { total countries { value count } agreementKinds { value count } iscedBroadFields { value count } } }`,
  'partner facets (search "univ")': `{ partnerFacets(filter: { search: "univ" }) { total countries { value count } agreementKinds { value count } } }`,
  'partners search typo "humbolt"': `{ partners(first: 10, filter: { search: "humbolt" }) { nodes { id name } } }`,
  'announcements page (20), en': `{ announcements(first: 20, locale: en) { totalCount nodes { id title summary slug displayAt tags category { key name } coverImage { url } } } }`,
  'upcoming events (20) with places left': `{ events(first: 20, filter: { when: UPCOMING }) { nodes { id title startsAt endsAt timeZone venue registrationOpen placesLeft } } }`,
  'contents by tag and category': `{ contents(first: 20, filter: { tags: ["erasmus"], category: "erasmus" }) { nodes { __typename id title path } } }`,
  'page by path with breadcrumbs': `{ page(path: "erasmus/how-to-apply", locale: en) { title bodyHtml breadcrumbs { title path } children { title path } } }`,
  'search "humbolt" (hub engine, with facets)': `{ search(query: "humbolt", first: 10) { totalCount engine nodes { type score highlights { snippet } node { ... on Institution { id name } } } facets { types { value count } countries { value count } } } }`,
  'partners with query "istanbul teknik"': `{ partners(first: 20, query: "istanbul teknik") { nodes { id name } } }`,
};

/** The office's mobility screens, timed as STAFF over one call with BENCH_APPLICATIONS applications ($call is replaced). */
const OFFICE_SCENARIOS: Record<string, string> = {
  'open calls (public) with places': `{ mobilityCalls(first: 10, filter: { openNow: true }) { nodes { id title isOpen closesAt programme { code name } places { id country capacity partner { name } } } } }`,
  'selection results of a call (public)': `{ selectionResults(callId: "$call") { number score outcome reserveRank partnerName country } }`,
  'office: applications page (20) with details': `{ mobilityApplications(first: 20, filter: { callId: "$call" }) { totalCount nodes { id number status score applicant { displayName } unit { code } preferences { rank place { country partner { name } } } placedAt { country } } } }`,
  'office: dashboard of a call': `{ mobilityDashboard(callId: "$call") { byStatus { status count } byUnit { unit { code } count } byCountry { country count } placesLeft { place { id } capacity taken left } } }`,
  'office: mobilities (20), LA, grant, docs': `{ mobilityApplications(first: 20, filter: { callId: "$call", statuses: [LIVE, COMPLETED] }) { nodes { number status durationCheck { days belowMinimum differsFromGrant } learningAgreement { approved { number creditTotals { table ects } warnings { code } components { table code ects } } pending { number } } grant { total paid outstanding working { label amount } instalments { number amount paid } } returnDocuments { kind dueOn overdue } transcript { courseCode hostGrade homeGrade } } } }`,
  'office: grant contract report (totals)': `{ grantContractReport(contractNumber: "BENCH-CONTRACT") { totals { mobilities ongoing completed days months total paid } byActivityType { mobilityType totals { mobilities total } } } }`,
};
const BENCH_APPLICATIONS = Number(process.env.BENCH_APPLICATIONS ?? 3000);

/** The incoming desk and admissions, timed as STAFF over BENCH_INCOMING guests and BENCH_ADMISSIONS applicants. */
const INCOMING_SCENARIOS: Record<string, string> = {
  'office: incoming page (20), courses, beds': `{ incomingMobilities(first: 20, filter: { academicYear: "2026/2027" }) { totalCount nodes { number status nominee { familyName } sendingInstitution { name country } hostUnit { code } courses { status course { code ects } } housing { startsOn endsOn room { residence code } } } } }`,
  'office: incoming dashboard': `{ incomingDashboard(academicYear: "2026/2027") { byStatus { status count } arrivalsThisWeek { number } roomsFreeToday { residence rooms beds freeBeds } transcriptsDue { number } residencePermitsDue { number } } }`,
  'office: housing availability (a month)': `{ housingAvailability(from: "2026-12-01", to: "2026-12-31") { capacity freeBeds room { residence code } } }`,
  'office: admission applications page (20)': `{ admissionApplications(first: 20) { totalCount nodes { number status nationality convertedScore rank waitlistRank call { programmeName } documents { code status } } } }`,
  'office: admission statistics': `{ admissionStatistics { total byStatus { status count } byCountry { country count } byCall { count } } }`,
  'admission calls (public)': `{ admissionCalls(first: 20) { nodes { id programmeName academicYear quota languageOfInstruction isOpen closesAt acceptedExams { minimumScore } } } }`,
};
const BENCH_INCOMING = Number(process.env.BENCH_INCOMING ?? 2000);
const BENCH_ADMISSIONS = Number(process.env.BENCH_ADMISSIONS ?? 3000);

/**
 * A large incoming desk and an admission round, written with SQL: BENCH_INCOMING guests of 2026/2027 from partners in
 * every state, three courses each, 300 rooms with a bed for each guest on campus; BENCH_ADMISSIONS applicants spread over
 * the demo's admission calls with their document checks.
 */
async function loadBulkIncomingAndAdmissions(em: EntityManager): Promise<void> {
  const started = Date.now();
  const run = (sql: string, params: unknown[] = []) => em.fork().execute(sql, params);
  await run(
    `with partners as (select array_agg(id order by id) as ids from (select id from institution where not is_home and erasmus_code is not null order by id limit 500) p),
          units as (select array_agg(id order by code) as ids from organisational_unit where parent_id is not null and institution_id = (select id from institution where is_home)),
          statuses as (select '{NOMINATED,APPLIED,INFO_REQUESTED,ACCEPTED,REJECTED,ARRIVED,ARRIVED,DEPARTED,COMPLETED,WITHDRAWN}'::text[] as s)
     insert into incoming_mobility (id, number, status, mobility_type, source, nominee_subject, given_names, family_name, email, citizenships,
                                    sending_institution_id, host_unit_id, academic_year, term, study_level, planned_arrival, planned_departure,
                                    actual_arrival, created_at, updated_at)
     select gen_random_uuid(), 'BENCH-IN-' || lpad(g::text, 6, '0'), statuses.s[1 + g % 10], 'SMS', 'CSV', 'bench-guest-' || g, 'Guest', 'Bench ' || g,
            'guest' || g || '@partner.example', '{DE}', partners.ids[1 + g % cardinality(partners.ids)], units.ids[1 + g % cardinality(units.ids)],
            '2026/2027', 'FALL', 'BACHELOR', date '2026-09-15' + (g % 20), date '2027-01-31',
            case when statuses.s[1 + g % 10] in ('ARRIVED', 'DEPARTED', 'COMPLETED') then date '2026-09-15' + (g % 20) end, now(), now()
       from generate_series(1, ?) g, partners, units, statuses`,
    [BENCH_INCOMING],
  );
  await run(
    `insert into incoming_course (id, mobility_id, course_id, status)
     select gen_random_uuid(), m.id, c.ids[1 + (abs(hashtext(m.id::text)) + k) % cardinality(c.ids)], 'REGISTERED'
       from incoming_mobility m, generate_series(1, 3) k, (select array_agg(id) as ids from home_course where active) c
      where m.number like 'BENCH-IN-%'`,
  );
  await run(
    `insert into housing_room (id, residence, kind, code, capacity, active)
     select gen_random_uuid(), 'Bench Yurdu ' || (1 + g % 3), 'DORMITORY', 'R-' || g, 1 + g % 4, true from generate_series(1, 300) g`,
  );
  await run(
    `insert into housing_assignment (id, room_id, mobility_id, starts_on, ends_on)
     select gen_random_uuid(), r.ids[1 + (row_number() over (order by m.number))::int % cardinality(r.ids)], m.id, m.planned_arrival, m.planned_departure
       from incoming_mobility m, (select array_agg(id order by code) as ids from housing_room where residence like 'Bench%') r
      where m.number like 'BENCH-IN-%' and m.status in ('ACCEPTED', 'ARRIVED')`,
  );
  await run(
    `with calls as (select array_agg(id order by id) as ids from admission_call where status <> 'DRAFT'),
          statuses as (select '{SUBMITTED,DOCUMENTS_VERIFIED,INCOMPLETE,ADMITTED,WAITLISTED,REJECTED}'::text[] as s)
     insert into admission_application (id, number, call_id, applicant_subject, given_name, family_name, email, birth_date, nationality,
                                        country_of_residence, status, submitted_at, created_at, updated_at)
     select gen_random_uuid(), 'BENCH-ADM-' || lpad(g::text, 6, '0'), calls.ids[1 + g % cardinality(calls.ids)], 'bench-admission-' || g,
            'Applicant', 'Bench ' || g, 'applicant' || g || '@example.org', date '2006-01-01' + (g % 700),
            (array['AZ','KZ','DE','IR','SY','EG','PK','NG'])[1 + g % 8], (array['AZ','KZ','DE','IR','SY','EG','PK','NG'])[1 + g % 8],
            statuses.s[1 + g % 6], now() - make_interval(mins => g), now(), now()
       from generate_series(1, ?) g, calls, statuses`,
    [BENCH_ADMISSIONS],
  );
  console.log(`incoming: ${BENCH_INCOMING} guests, admissions: ${BENCH_ADMISSIONS} applicants in ${Date.now() - started} ms\n`);
}

/**
 * A large call: created, published and given its places through the API, then BENCH_APPLICATIONS applications in a
 * mix of states written with SQL (through the services they would take minutes). Returns the call's global id.
 */
async function loadBulkApplications(em: EntityManager, post: Post, staff: string): Promise<string> {
  const started = Date.now();
  const programmes = (await post(`{ mobilityProgrammes { id code } }`, staff)).data.mobilityProgrammes as { id: string; code: string }[];
  const ka131 = programmes.find((p) => p.code === 'ERASMUS_KA131')!.id;
  const now = Date.now();
  const call = (
    await post(
      `mutation { createMobilityCall(input: { programmeId: "${ka131}", mobilityType: SMS, academicYear: "2026/2027", title: { en: "Bench call" },
        opensAt: "${new Date(now - 86_400_000).toISOString()}", closesAt: "${new Date(now + 86_400_000).toISOString()}" }) { id version } }`,
      staff,
    )
  ).data.createMobilityCall as { id: string; version: number };
  await post(`mutation { publishMobilityCall(id: "${call.id}", version: ${call.version}) { id } }`, staff);
  await post(`mutation { generateCallPlaces(callId: "${call.id}") { id } }`, staff);
  const callUuid = Buffer.from(call.id, 'base64url').toString().split(':')[1];
  await em.fork().execute(
    `with units as (select array_agg(id order by code) as ids from organisational_unit where parent_id is not null and institution_id = (select id from institution where is_home)),
          places as (select array_agg(id order by position) as ids from mobility_call_place where call_id = ?),
          statuses as (select '{SUBMITTED,SCORED,SELECTED,RESERVE,NOT_SELECTED,INELIGIBLE,SELECTED,RESERVE}'::text[] as s)
     insert into mobility_application (id, number, call_id, applicant_subject, unit_id, status, study_level, gpa, language_score, citizenships,
                                       score, rank, reserve_rank, placed_at_id, submitted_at, created_at, updated_at)
     select gen_random_uuid(), 'BENCH-' || lpad(g::text, 6, '0'), ?, 'bench-applicant-' || g,
            units.ids[1 + g % cardinality(units.ids)], statuses.s[1 + g % 8], 'BACHELOR', 2 + (g % 200) / 100.0, 50 + g % 50, '{TR}',
            40 + (g % 6000) / 100.0, g, case when statuses.s[1 + g % 8] = 'RESERVE' then g end,
            case when statuses.s[1 + g % 8] = 'SELECTED' then places.ids[1 + g % cardinality(places.ids)] end,
            now() - make_interval(mins => g), now() - make_interval(mins => g), now()
       from generate_series(1, ?) g, units, places, statuses`,
    [callUuid, callUuid, BENCH_APPLICATIONS],
  );
  await em.fork().execute(
    `insert into mobility_application_preference (id, application_id, rank, place_id)
     select gen_random_uuid(), a.id, r, p.ids[1 + (abs(hashtext(a.id::text)) + r) % cardinality(p.ids)]
       from mobility_application a, generate_series(1, 2) r, (select array_agg(id) as ids from mobility_call_place where call_id = ?) p
      where a.call_id = ?`,
    [callUuid, callUuid],
  );
  await em.fork().execute(
    `update mobility_call set placement_run_at = now(), evaluated_at = now(), results_published_at = now(), grant_contract_number = 'BENCH-CONTRACT' where id = ?`,
    [callUuid],
  );
  await loadBulkMobilities(em, callUuid);
  console.log(`mobility: a call with ${BENCH_APPLICATIONS} applications (its selected ones under way or back) in ${Date.now() - started} ms`);
  return call.id;
}

/**
 * The selected applications of the bench call taken on as mobilities, with SQL: half abroad (LIVE), half back
 * (COMPLETED), each with dates, an approved learning agreement of 10 components, a grant with its working and a first
 * payment, return documents and (for those back) a transcript of 5 lines.
 */
async function loadBulkMobilities(em: EntityManager, callUuid: string): Promise<void> {
  const run = (sql: string) => em.fork().execute(sql, [callUuid]);
  await run(
    `update mobility_application set status = case when hashtext(id::text) % 2 = 0 then 'LIVE' else 'COMPLETED' end,
            planned_start = '2026-09-28', planned_end = '2027-02-05', actual_start = '2026-09-28',
            actual_end = case when hashtext(id::text) % 2 = 0 then null else date '2027-02-05' end
      where call_id = ? and status = 'SELECTED'`,
  );
  const mobilities = `select id, status from mobility_application where call_id = ? and status in ('LIVE', 'COMPLETED')`;
  await run(`insert into learning_agreement (id, application_id, student_language, student_cefr_level, approved_version_number)
             select gen_random_uuid(), m.id, 'en', 'B2', 1 from (${mobilities}) m`);
  await run(
    `insert into learning_agreement_version (id, learning_agreement_id, number, kind, state, components, signatures, decided_at)
     select gen_random_uuid(), la.id, 1, 'FIRST_VERSION', 'APPROVED',
            (select jsonb_agg(jsonb_build_object('id', gen_random_uuid(), 'table', case when c <= 5 then 'A' else 'B' end,
                                                 'code', 'C' || c, 'title', 'Course ' || c, 'termNumber', 1, 'totalTerms', 2, 'ects', 6))
               from generate_series(1, 10) c),
            '[{"party":"STUDENT","signerName":"Student","at":"2026-07-01T10:00:00Z"},{"party":"SENDING","signerName":"Coordinator","at":"2026-07-02T10:00:00Z"},{"party":"RECEIVING","signerName":"Partner","at":"2026-07-03T10:00:00Z"}]'::jsonb,
            now()
       from learning_agreement la join mobility_application a on a.id = la.application_id where a.call_id = ?`,
  );
  await run(
    `insert into mobility_grant (id, application_id, instalment_plan, basis, period_start, period_end, duration_days, months, days, individual_support, total, working, computed_at)
     select gen_random_uuid(), m.id, '{80,20}', 'PLANNED', '2026-09-28', '2027-02-05', 131, 4, 9, 2580, 2580,
            '[{"part":"INDIVIDUAL_SUPPORT","label":"4 months × 600.00 €","quantity":4,"unit":"MONTH","rate":600,"amount":2400},{"part":"INDIVIDUAL_SUPPORT","label":"9 days × 600.00 € / 30","quantity":9,"unit":"DAY","rate":20,"amount":180}]'::jsonb,
            now()
       from (${mobilities}) m`,
  );
  await run(
    `insert into mobility_grant_payment (id, grant_id, instalment, amount, paid_on)
     select gen_random_uuid(), g.id, 1, 2064, '2026-09-14' from mobility_grant g join mobility_application a on a.id = g.application_id where a.call_id = ?`,
  );
  await run(
    `insert into mobility_return_document (id, application_id, kind, due_on, received_at)
     select gen_random_uuid(), m.id, k, '2027-03-07', case when m.status = 'COMPLETED' and k = 'CERTIFICATE_OF_ATTENDANCE' then now() end
       from (${mobilities}) m, unnest('{CERTIFICATE_OF_ATTENDANCE,PARTICIPANT_REPORT,LANGUAGE_ASSESSMENT,TRANSCRIPT_OF_RECORDS}'::text[]) k`,
  );
  await run(
    `insert into mobility_transcript_entry (id, application_id, course_code, course_title, ects, host_grade, passed, home_grade)
     select gen_random_uuid(), m.id, 'C' || c, 'Course ' || c, 6, 'B', true, 'BA' from (${mobilities}) m, generate_series(1, 5) c where m.status = 'COMPLETED'`,
  );
}

/** Typical search-box queries, timed on each engine directly (same documents, same requests; as the office, so over the whole directory). */
const SEARCH_QUERIES = ['humbolt', 'İSTANBUL TEKNİK', 'bogazici', 'universite de strasbourg', 'TR ISTANBU01', 'lodzka', 'university', 'erasmus bilgi'];

/**
 * A busy office's website: 3,000 published announcements and 600 events over several years, written with SQL (the
 * content service would take minutes), tagged and categorised like the demo content.
 */
async function loadBulkContent(em: EntityManager): Promise<void> {
  const started = Date.now();
  await em.fork().execute(`
    insert into content_item (id, type, kind, status, title, summary, body, body_html, slug, category_id, tags, display_at, published_at,
                              starts_at, ends_at, time_zone, organiser_kind, capacity)
    select gen_random_uuid(), t.type, t.kind, 'PUBLISHED',
           jsonb_build_object('tr', 'Duyuru ' || g, 'en', 'Item ' || g),
           jsonb_build_object('tr', 'Özet ' || g, 'en', 'Summary ' || g),
           jsonb_build_object('en', 'Body ' || g), jsonb_build_object('en', '<p>Body ' || g || '</p>'),
           jsonb_build_object('tr', 'bench-' || g, 'en', 'bench-' || g),
           (select id from content_category order by random() limit 1),
           case when g % 3 = 0 then '{erasmus,outgoing}'::text[] else '{news}'::text[] end,
           now() - make_interval(hours => g), now() - make_interval(hours => g),
           case when t.type = 'EVENT' then now() + make_interval(days => (g % 400) - 200) end,
           case when t.type = 'EVENT' then now() + make_interval(days => (g % 400) - 200, hours => 3) end,
           case when t.type = 'EVENT' then 'Europe/Istanbul' end,
           case when t.type = 'EVENT' then 'OFFICE' end,
           case when t.type = 'EVENT' then 100 end
      from generate_series(1, 3600) g
      cross join lateral (select case when g % 6 = 0 then 'EVENT' else 'ANNOUNCEMENT' end as type,
                                 case when g % 6 = 0 then 'INFO_SESSION' else 'NEWS' end as kind) t`);
  await em.fork().execute(`insert into content_slug (id, content_id, type, locale, path)
    select gen_random_uuid(), id, type, l, slug->>l from content_item, unnest(array['tr','en']) l
     where slug->>l like 'bench-%'`);
  console.log(`content: 3,600 items in ${Date.now() - started} ms\n`);
}

/** The full reference data through the directory import, then agreements with ~1,500 of the institutions. */
async function loadFullDirectory(em: EntityManager): Promise<void> {
  for (const file of ['world-universities.json', 'eche-holders.json']) {
    const started = Date.now();
    const summary = await importPartners(em.fork(), parseImportText(readFileSync(path.join(SEEDS_DIR, 'reference', file), 'utf8')));
    console.log(`import ${file}: ${summary.total} records in ${Date.now() - started} ms (created ${summary.created}, merged ${summary.merged}, updated ${summary.updated}, rejected ${summary.rejected.length})`);
  }
  const templates = (JSON.parse(readFileSync(path.join(SEEDS_DIR, 'demo', 'agreements.json'), 'utf8')) as { agreements: AgreementSeed[] }).agreements;
  const codes = await em.fork().execute<{ erasmus_code: string }[]>(
    `select erasmus_code from institution where erasmus_code is not null and not is_home order by erasmus_code limit 1500`,
  );
  const seeds = codes.map((c, i) => ({ ...templates[i % templates.length], partnerErasmusCode: c.erasmus_code, reference: `BENCH-${i}` }));
  const started = Date.now();
  const created = await em.fork().transactional((tx) => seedAgreements(tx as EntityManager, seeds));
  console.log(`agreements: ${created} created in ${Date.now() - started} ms\n`);
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'iro-hub-bench-'));
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', EXPOSE_SQL_COUNT: 'true' }, dataDir);
  const t0 = Date.now();
  const hub = await startHub(config);
  const startMs = Date.now() - t0;
  const url = `http://127.0.0.1:${hub.port}/graphql`;
  const send: Post = async (query, token) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { data: Record<string, unknown>; errors?: unknown; extensions?: { sqlStatements?: number } };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body as never;
  };
  const staff = await signDevelopmentToken(config, { sub: 'bench-staff', roles: ['STAFF'], units: [] });
  console.log(`hub started in ${startMs} ms on ${config.databaseUrl ? 'PostgreSQL' : 'embedded PGlite'}; ${ROUNDS} rounds, concurrency ${CONCURRENCY}\n`);
  await loadFullDirectory(hub.orm.em);
  await loadBulkContent(hub.orm.em);
  await benchSearchEngines(hub);
  const callId = await loadBulkApplications(hub.orm.em, send, staff);
  await loadBulkIncomingAndAdmissions(hub.orm.em);
  const scenarios: [string, string, string | undefined][] = [
    ...Object.entries(SCENARIOS).map(([name, query]): [string, string, undefined] => [name, query, undefined]),
    ...Object.entries(OFFICE_SCENARIOS).map(([name, query]): [string, string, string | undefined] => [
      name,
      query.replace('$call', callId),
      name.startsWith('office') ? staff : undefined,
    ]),
    ...Object.entries(INCOMING_SCENARIOS).map(([name, query]): [string, string, string | undefined] => [name, query, name.startsWith('office') ? staff : undefined]),
  ];
  console.log('scenario'.padEnd(44), 'sql', '  p50 ms', '  p95 ms', '  p99 ms', '   req/s');
  for (const [name, query, token] of scenarios) {
    const post = async (q: string) => (await send(q, token)).extensions?.sqlStatements ?? NaN;
    for (let i = 0; i < 20; i++) await post(query); // warm-up
    const times: number[] = [];
    let sql = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const s = process.hrtime.bigint();
      sql = await post(query);
      times.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))].toFixed(2).padStart(8);
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < ROUNDS) await post(query);
      }),
    );
    const rps = ((ROUNDS / (Date.now() - started)) * 1000).toFixed(0).padStart(8);
    console.log(name.padEnd(44), String(sql).padStart(3), pct(50), pct(95), pct(99), rps);
  }
  const mem = process.memoryUsage();
  console.log(`\nRSS ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB (hub and embedded database in one process)`);
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
}

/** Rebuilds the indexes over the full data, then times each engine on the same requests. */
async function benchSearchEngines(hub: Awaited<ReturnType<typeof startHub>>): Promise<void> {
  const meili = meiliOptions(hub.config);
  const built = await reindex(hub.orm, meili);
  console.log(`search index: ${built.documents} documents in ${built.ms} ms (PostgreSQL table${meili ? ' and Meilisearch' : ''})`);
  const engines: SearchEngine[] = [new PgEngine(hub.orm.em), ...(meili ? [new MeiliEngine(meili)] : [])];
  console.log('search engine / query'.padEnd(44), ' hits', '  p50 ms', '  p95 ms');
  for (const engine of engines) {
    for (const query of SEARCH_QUERIES) {
      const request = { query, types: [...SEARCH_TYPES], office: true, now: new Date(), filter: {}, locale: 'tr' as const, offset: 0, limit: 10, facets: true };
      for (let i = 0; i < 5; i++) await engine.search(request);
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < Math.min(ROUNDS, 100); i++) {
        const s = process.hrtime.bigint();
        total = (await engine.search(request)).total;
        times.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
      times.sort((a, b) => a - b);
      const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))].toFixed(2).padStart(8);
      console.log(`${engine.name} "${query}"`.padEnd(44), String(total).padStart(5), pct(50), pct(95));
    }
  }
  console.log();
}

type Post = (query: string, token?: string) => Promise<{ data: Record<string, unknown>; extensions?: { sqlStatements?: number } } & Record<string, any>>;

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
