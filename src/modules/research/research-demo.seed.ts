import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toGlobalId } from '../../platform/graphql/relay';
import { UserAccount } from '../accounts/user-account.entity';
import { ContentType, EventKind, OrganiserKind } from '../content/content.entity';
import type { CreateContentInput } from '../content/content.inputs';
import { contentGlobalId, createContent, publishContent } from '../content/content.service';
import { createMediaAsset, MEDIA_TYPE } from '../content/media.service';
import { Institution } from '../institutions/institution.entity';
import { canonicalErasmusCode } from '../institutions/institution-identifiers';
import { INSTITUTION_TYPE } from '../institutions/institution.service';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { UNIT_TYPE } from '../institutions/organisational-unit.service';
import type { SeedContexts } from '../mobility/mobility-demo.seed';
import { ResearchProgramme, ResearchRole, ResearchSupportKind } from './research.entity';
import type { CreateResearchCallInput } from './research.inputs';
import { announceCall, closeCall, createCall, publishCall, RESEARCH_CALL_TYPE, subscribe } from './research-call.service';
import { createProject } from './research-project.service';
import { addNote, assignSupportRequest, completeSupportRequest, fileSupportRequest, SUPPORT_REQUEST_TYPE } from './research-support.service';
import { TRAINING_TAG } from './research-training.service';

const DAY = 86_400_000;

/** The demo's researchers: the engineering coordinator (a demo user) and a researcher account made here. */
const RESEARCHER = { subject: 'demo-researcher', email: 'elif.sahin@ornek.edu.tr', displayName: 'Dr. Öğr. Üyesi Elif Şahin' };
const COORDINATOR = { subject: 'demo-coordinator', name: 'Doç. Dr. Mehmet Demir' };

type DemoCall = CreateResearchCallInput & { key: string; phase: 'DRAFT' | 'PUBLISHED' | 'ANNOUNCED' | 'CLOSED' };

/** Calls relative to the seed day: deadlines at 17:00 Brussels time (15:00 UTC in summer, close enough for a demo). */
function calls(at: (days: number) => Date): DemoCall[] {
  return [
    {
      key: 'cl5',
      phase: 'ANNOUNCED',
      programme: ResearchProgramme.HORIZON_EUROPE,
      title: { en: 'Next-generation offshore wind: floating platforms and grid integration', tr: 'Yeni nesil açık deniz rüzgârı: yüzer platformlar ve şebeke entegrasyonu' },
      topicIds: ['HORIZON-CL5-2027-D3-01-05'],
      opensAt: at(-20),
      deadline: at(70),
      budgetTotal: '30000000',
      budgetPerProjectMin: '5000000',
      budgetPerProjectMax: '7000000',
      links: ['https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/topic-search'],
      fields: ['07', '0713', 'renewable energy'],
      description: {
        en: 'Cluster 5 (Climate, Energy and Mobility), Destination 3: demonstrate floating offshore wind at scale, with grid integration and environmental monitoring. Research and Innovation Action.',
        tr: 'Küme 5 (İklim, Enerji ve Ulaşım), Hedef 3: yüzer açık deniz rüzgâr teknolojisinin büyük ölçekte gösterimi, şebeke entegrasyonu ve çevresel izleme. Araştırma ve Yenilik Eylemi.',
      },
    },
    {
      key: 'cl4',
      phase: 'PUBLISHED',
      programme: ResearchProgramme.HORIZON_EUROPE,
      title: { en: 'Trustworthy AI for resource-constrained devices', tr: 'Kaynak kısıtlı cihazlar için güvenilir yapay zekâ' },
      topicIds: ['HORIZON-CL4-2027-DIGITAL-EMERGING-01-10'],
      opensAt: at(-5),
      deadline: at(45),
      secondStageDeadline: at(150),
      budgetTotal: '24000000',
      budgetPerProjectMin: '3000000',
      budgetPerProjectMax: '4000000',
      fields: ['06', '0613', 'artificial intelligence'],
      description: { en: 'Cluster 4 (Digital, Industry and Space), two-stage Research and Innovation Action on edge AI.', tr: 'Küme 4 (Dijital, Sanayi ve Uzay), uç yapay zekâ üzerine iki aşamalı Araştırma ve Yenilik Eylemi.' },
    },
    {
      key: 'erc',
      phase: 'PUBLISHED',
      programme: ResearchProgramme.ERC,
      title: { en: 'ERC Starting Grant 2027', tr: 'ERC Başlangıç Hibesi 2027' },
      topicIds: ['ERC-2027-STG'],
      opensAt: at(-10),
      deadline: at(110),
      budgetPerProjectMax: '1500000',
      links: ['https://erc.europa.eu/apply-grant/starting-grant'],
      fields: [],
      description: { en: 'Bottom-up frontier research, every field: principal investigators 2–7 years after their PhD.', tr: 'Tüm alanlarda öncü araştırma: doktora sonrası 2–7 yıl deneyimli araştırmacılar.' },
    },
    {
      key: 'msca',
      phase: 'PUBLISHED',
      programme: ResearchProgramme.MSCA,
      title: { en: 'MSCA Postdoctoral Fellowships 2027', tr: 'MSCA Doktora Sonrası Burslar 2027' },
      topicIds: ['HORIZON-MSCA-2027-PF-01-01'],
      opensAt: at(-3),
      deadline: at(160),
      fields: [],
      description: { en: 'Host an experienced researcher for one to two years (European or Global Fellowships).', tr: 'Deneyimli bir araştırmacıya bir-iki yıl ev sahipliği (Avrupa veya Küresel Burs).' },
    },
    {
      key: 'cl6',
      phase: 'DRAFT',
      programme: ResearchProgramme.HORIZON_EUROPE,
      title: { en: 'Soil health and food systems in the Mediterranean', tr: 'Akdeniz’de toprak sağlığı ve gıda sistemleri' },
      topicIds: ['HORIZON-CL6-2027-SOIL-01-03'],
      opensAt: at(30),
      deadline: at(200),
      fields: ['08', '0812'],
    },
    {
      key: 'cost',
      phase: 'CLOSED',
      programme: ResearchProgramme.COST,
      title: { en: 'COST Actions: open call collection', tr: 'COST Aksiyonları: açık çağrı' },
      topicIds: ['OC-2026-2'],
      opensAt: at(-60),
      deadline: at(10),
      fields: [],
    },
  ];
}

/**
 * The research demo: followed calls in every state (one announced on the website), a researcher's subscription made
 * before the calls were published (so their alerts inbox has calls in it), two support requests (one in progress with
 * notes, one completed), the project that came of the completed one with partners from the demo directory, and the
 * office's info day and proposal-writing workshop as website events with registration. All through the services.
 */
export async function seedResearchDemo(em: EntityManager, contexts: SeedContexts): Promise<void> {
  const { office, applicant } = contexts;
  await em.fork().transactional(async (tx) => {
    if (!(await tx.count(UserAccount, { subject: RESEARCHER.subject }))) {
      tx.create(UserAccount, { subject: RESEARCHER.subject, email: RESEARCHER.email, displayName: RESEARCHER.displayName, roles: ['APPLICANT'], unitIds: [] } as never);
    }
  });
  const read = em.fork();
  const home = await read.findOneOrFail(Institution, { isHome: true });
  const unit = await read.findOneOrFail(OrganisationalUnit, { institution: home, code: 'ENG-CENG' });
  const partner = async (code: string) => {
    const found = await read.findOne(Institution, { erasmusCode: canonicalErasmusCode(code) ?? code });
    return found ? toGlobalId(INSTITUTION_TYPE, found.id) : undefined;
  };

  const today = Date.parse(new Date().toISOString().slice(0, 10));
  const at = (days: number) => new Date(today + days * DAY + 15 * 3_600_000);

  // The coordinator follows computing and AI before the calls go out: their inbox and live alerts fill as they publish.
  await subscribe(applicant(COORDINATOR.subject), { fields: ['06', 'artificial intelligence'], programmes: [] });

  const ids = new Map<string, string>();
  for (const { key, phase, ...input } of calls(at)) {
    let call = await createCall(office(), input as CreateResearchCallInput);
    const id = toGlobalId(RESEARCH_CALL_TYPE, call.id);
    if (phase !== 'DRAFT') call = await publishCall(office(), id, call.version);
    if (phase === 'ANNOUNCED') call = await announceCall(office(), id, call.version);
    if (phase === 'CLOSED') call = await closeCall(office(), id, call.version);
    ids.set(key, id);
  }

  // A request in progress: the coordinator wants to join the AI consortium; the office is on it.
  const aachen = await partner('D AACHEN01');
  let first = await fileSupportRequest(applicant(COORDINATOR.subject), {
    callId: ids.get('cl4'),
    proposalTitle: 'EDGE-TRUST',
    researcherName: COORDINATOR.name,
    researcherEmail: 'mehmet.demir@ornek.edu.tr',
    unitId: toGlobalId(UNIT_TYPE, unit.id),
    partnersSought: 'A coordinator with experience in embedded systems, and an SME for the pilot.',
    partnerInstitutionIds: aachen ? [aachen] : [],
    role: ResearchRole.PARTNER,
    helpNeeded: [ResearchSupportKind.PARTNER_SEARCH, ResearchSupportKind.BUDGET],
    description: 'We lead the work package on on-device model compression and want to join a consortium for the first stage.',
  });
  const firstId = toGlobalId(SUPPORT_REQUEST_TYPE, first.id);
  first = await assignSupportRequest(office(), firstId, first.version, 'demo-staff');
  await addNote(office(), { requestId: firstId, body: 'Asked our contact at RWTH whether their consortium still has room.', internal: true });
  await addNote(office(), { requestId: firstId, body: 'We have written to two possible coordinators; a budget template is on its way.', internal: false });

  // A completed request that became a funded project.
  let second = await fileSupportRequest(applicant(RESEARCHER.subject), {
    externalCall: 'HORIZON-CL5-2023-D3-01-05 (offshore wind grid integration)',
    proposalTitle: 'WINDGRID',
    researcherName: RESEARCHER.displayName,
    researcherEmail: RESEARCHER.email,
    role: ResearchRole.PARTNER,
    helpNeeded: [ResearchSupportKind.WRITING_REVIEW, ResearchSupportKind.OPEN_SCIENCE],
    deadline: at(20),
    description: 'Review of the impact section and a data management plan for the open-science part of the proposal.',
  });
  const secondId = toGlobalId(SUPPORT_REQUEST_TYPE, second.id);
  second = await assignSupportRequest(office(), secondId, second.version, 'demo-staff');
  second = await completeSupportRequest(office(), secondId, second.version);

  const partners = (
    await Promise.all(
      [
        { code: 'D AACHEN01', role: ResearchRole.COORDINATOR, coordinator: true },
        { code: 'B LEUVEN01', role: ResearchRole.PARTNER },
        { code: 'A WIEN01', role: ResearchRole.PARTNER },
      ].map(async (p) => ({ institutionId: await partner(p.code), role: p.role, coordinator: p.coordinator ?? false })),
    )
  ).filter((p): p is { institutionId: string; role: ResearchRole; coordinator: boolean } => !!p.institutionId);
  await createProject(office(), {
    acronym: 'WINDGRID',
    title: 'Grid-forming control and integration of floating offshore wind farms',
    grantAgreementNumber: '101136589',
    programme: ResearchProgramme.HORIZON_EUROPE,
    topicId: 'HORIZON-CL5-2023-D3-01-05',
    ourRole: ResearchRole.PARTNER,
    partners,
    startDate: '2024-09-01',
    endDate: '2028-08-31',
    budgetTotal: '5987450.00',
    ourShare: '612500.00',
    currency: 'EUR',
    piSubject: RESEARCHER.subject,
    piName: RESEARCHER.displayName,
    supportRequestId: secondId,
    publicListing: true,
  });

  await seedTrainings(contexts, today);
}

/** The info day and the proposal-writing workshop: website events with registration, the workshop with its slides. */
async function seedTrainings(contexts: SeedContexts, today: number): Promise<void> {
  const ctx = contexts.office();
  const slides = await uploadMaterials(contexts);
  const event = (days: number, hour: number, hours: number) => {
    const startsAt = new Date(today + days * DAY + hour * 3_600_000);
    return { startsAt, endsAt: new Date(startsAt.getTime() + hours * 3_600_000), timeZone: 'Europe/Istanbul', organiserKind: OrganiserKind.OFFICE };
  };
  const items: CreateContentInput[] = [
    {
      type: ContentType.EVENT,
      title: { tr: 'Ufuk Avrupa Bilgi Günü 2027', en: 'Horizon Europe Info Day 2027' },
      summary: { tr: 'Yeni çalışma programları, açık çağrılar ve başvuru süreci.', en: 'The new work programmes, open calls and how to apply.' },
      body: {
        tr: 'Ufuk Avrupa 2027 çalışma programlarının tanıtımı; Ulusal İrtibat Noktaları ile soru-cevap.',
        en: 'An introduction to the 2027 Horizon Europe work programmes, with questions to the National Contact Points.',
      },
      tags: [TRAINING_TAG, 'horizon-europe', 'info-day'],
      event: { kind: EventKind.INFO_SESSION, ...event(14, 7, 4), venue: { tr: 'Kongre Merkezi, Salon A', en: 'Congress Centre, Hall A' }, capacity: 150 },
    } as unknown as CreateContentInput,
    {
      type: ContentType.EVENT,
      title: { tr: 'Proje Yazma Atölyesi: Ufuk Avrupa', en: 'Proposal-Writing Workshop: Horizon Europe' },
      summary: { tr: 'Etki, uygulama ve bütçe bölümleri üzerine uygulamalı atölye.', en: 'A hands-on workshop on the impact, implementation and budget sections.' },
      body: {
        tr: 'Katılımcılar kendi proje fikirleri üzerinde çalışır. Sunum dosyası ekte.',
        en: 'Participants work on their own project ideas. The slides are attached.',
      },
      tags: [TRAINING_TAG, 'horizon-europe', 'proposal-writing'],
      attachmentIds: slides ? [slides] : [],
      event: {
        kind: EventKind.WORKSHOP,
        ...event(28, 6, 6),
        venue: { tr: 'Mühendislik Fakültesi, Toplantı Salonu', en: 'Faculty of Engineering, Meeting Room' },
        capacity: 30,
        registrationQuestions: [
          { key: 'programme', label: { tr: 'Hedeflediğiniz program', en: 'The programme you aim for' }, kind: 'CHOICE', required: true, options: ['HORIZON_EUROPE', 'ERC', 'MSCA', 'OTHER'] },
          { key: 'idea', label: { tr: 'Proje fikriniz (kısaca)', en: 'Your project idea (briefly)' }, kind: 'TEXT', required: false },
        ],
      },
    } as unknown as CreateContentInput,
  ];
  for (const input of items) {
    const item = await createContent(ctx, input);
    await publishContent(ctx, contentGlobalId(item), item.version);
  }
}

/** A one-page PDF of workshop slides, stored through the media service (the demo ships no binary of its own). */
async function uploadMaterials(contexts: SeedContexts): Promise<string | undefined> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'research-demo-'));
  try {
    const file = path.join(dir, 'proposal-writing-workshop-slides.pdf');
    const bytes = Buffer.from(minimalPdf('Horizon Europe proposal writing: workshop slides (IRO Hub demo)'), 'latin1');
    writeFileSync(file, bytes);
    const asset = await createMediaAsset(contexts.office(), {
      path: file,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      filename: 'proposal-writing-workshop-slides.pdf',
    });
    return toGlobalId(MEDIA_TYPE, asset.id);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function minimalPdf(line: string): string {
  const stream = `BT /F1 14 Tf 56 780 Td (${line.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  return `${out}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
}
