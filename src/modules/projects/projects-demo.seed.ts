/**
 * The demo of the National Agency cycle, through the services as the office would work: the KA131 call for proposals
 * of the demo's mobility years, the units' quota requests summed into the proposal, its approval, the grant contract
 * with its budget lines, the number recorded on the demo's Erasmus+ study calls (so the budget follow-up and the
 * reports show the demo mobilities' real grants and payments), one supplementary contract, organisational support
 * spending, the interim report submitted and the final report due; and next year's call with a draft proposal whose
 * deadline is near. Dates are days from the seed day, like the mobility demo's.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { toGlobalId } from '../../platform/graphql/relay';
import { MobilityType } from '../agreements/agreement.entity';
import { Institution } from '../institutions/institution.entity';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { UNIT_TYPE } from '../institutions/organisational-unit.service';
import { MobilityCall } from '../mobility/call.entity';
import { CALL_TYPE, updateCall } from '../mobility/call.service';
import type { SeedContexts } from '../mobility/mobility-demo.seed';
import { MobilityProgramme, MobilityProgrammeCode } from '../mobility/programme.entity';
import { amendContract, createContract, recordSpending } from './contract.service';
import { changeReportStatus, updateReport } from './contract-report.service';
import { createNaCall } from './na-call.service';
import { BudgetCategory, ContractLine, ContractReport, GrantContract, NaAction, NaProposal, NaProposalLine, ProposalStatus, ReportKind, ReportStatus } from './project.entity';
import { CONTRACT_LINE_TYPE, CONTRACT_TYPE, NA_CALL_TYPE, PROPOSAL_TYPE, REPORT_TYPE } from './projects.common';
import { changeProposalStatus, createProposal, includeQuotaRequests, setProposalLines } from './proposal.service';
import { submitQuotaRequest } from './quota-request.service';

/** The demo contract: the grant agreement of the 2025 KA131 call, which pays the demo's 2025/2026 and 2026/2027 study mobilities. */
export const DEMO_CONTRACT_NUMBER = '2025-1-TR01-KA131-HED-000184623';

const DAY = 86_400_000;

export async function seedProjectsDemo(em: EntityManager, contexts: SeedContexts): Promise<void> {
  const { office } = contexts;
  const day = (offset: number) => new Date(Date.parse(new Date().toISOString().slice(0, 10)) + offset * DAY).toISOString().slice(0, 10);
  const at = (offset: number, hour = 9) => new Date(Date.parse(day(offset)) + hour * 3_600_000);
  const read = () => em.fork();
  const home = await read().findOneOrFail(Institution, { isHome: true });
  const units = new Map((await read().find(OrganisationalUnit, { institution: home })).map((u) => [u.code, toGlobalId(UNIT_TYPE, u.id)]));
  const unit = (code: string) => {
    const id = units.get(code);
    if (!id) throw new Error(`projects demo: no home unit ${code}`);
    return id;
  };
  const version = async (entity: typeof NaProposal | typeof ContractReport | typeof GrantContract, id: string) =>
    (await read().findOneOrFail(entity as typeof NaProposal, { id })).version;

  // --- The 2025 KA131 call, the units' requests for 2025/2026, the proposal and its approval ---------------------------
  const call = await createNaCall(office(), {
    action: NaAction.KA131,
    title: 'Erasmus+ 2025 Call — KA131 Higher education student and staff mobility',
    year: 2025,
    deadline: at(-560, 10),
    documents: [
      { title: 'Erasmus+ Programme Guide 2025', url: 'https://erasmus-plus.ec.europa.eu/programme-guide' },
      { title: 'Türkiye Ulusal Ajansı — 2025 call announcement', url: 'https://www.ua.gov.tr/' },
    ],
    link: 'https://www.ua.gov.tr/',
    notes: 'Submitted through the Erasmus+ and European Solidarity Corps platform.',
  });
  const requests: { unit: string; type: MobilityType; mobilities: number; months?: number; days?: number; note?: string }[] = [
    { unit: 'ENG-CENG', type: MobilityType.SMS, mobilities: 6, months: 30, note: 'Two more partners in Poland and Czechia' },
    { unit: 'ENG-EEE', type: MobilityType.SMS, mobilities: 3, months: 15 },
    { unit: 'SCI-PHYS', type: MobilityType.SMS, mobilities: 2, months: 10 },
    { unit: 'ENG', type: MobilityType.STA, mobilities: 4, days: 20, note: 'Teaching weeks agreed with the partners' },
    { unit: 'ECON', type: MobilityType.STA, mobilities: 2, days: 10 },
  ];
  for (const r of requests) {
    await submitQuotaRequest(office(), { unitId: unit(r.unit), academicYear: '2025/2026', mobilityType: r.type, mobilities: r.mobilities, months: r.months, days: r.days, note: r.note });
  }
  const proposal = await createProposal(office(), { naCallId: toGlobalId(NA_CALL_TYPE, call.id), notes: 'Figures from the faculties’ and departments’ requests.' });
  const pid = toGlobalId(PROPOSAL_TYPE, proposal.id);
  await includeQuotaRequests(office(), pid, await version(NaProposal, proposal.id), '2025/2026');
  // The budget the office asks for, per activity type, on the included figures.
  const lines = await read().find(NaProposalLine, { proposal: proposal.id });
  const budgets: Partial<Record<MobilityType, string>> = { SMS: '9800.00', STA: '6400.00' };
  await setProposalLines(
    office(),
    pid,
    await version(NaProposal, proposal.id),
    lines.map((l) => ({ mobilityType: l.mobilityType, mobilities: l.mobilities, months: l.months, days: l.days, budget: budgets[l.mobilityType] })),
  );
  await changeProposalStatus(office(), { id: pid, version: await version(NaProposal, proposal.id), to: ProposalStatus.SUBMITTED });
  await changeProposalStatus(office(), {
    id: pid,
    version: await version(NaProposal, proposal.id),
    to: ProposalStatus.APPROVED,
    decisionDate: day(-500),
    note: 'Approved with a reduced student budget.',
  });

  // --- The grant contract, and the number on the demo's Erasmus+ study calls --------------------------------------------
  const contract = await createContract(office(), {
    number: DEMO_CONTRACT_NUMBER,
    proposalId: pid,
    action: NaAction.KA131,
    periodStart: day(-480),
    periodEnd: day(215),
    signedOn: day(-485),
    lines: [
      { category: BudgetCategory.INDIVIDUAL_SUPPORT, mobilityType: MobilityType.SMS, awardedAmount: '7000.00', awardedMobilities: 8 },
      { category: BudgetCategory.TRAVEL, mobilityType: MobilityType.SMS, awardedAmount: '900.00', awardedMobilities: 8 },
      { category: BudgetCategory.INDIVIDUAL_SUPPORT, mobilityType: MobilityType.STA, awardedAmount: '4800.00', awardedMobilities: 5 },
      { category: BudgetCategory.TRAVEL, mobilityType: MobilityType.STA, awardedAmount: '1600.00', awardedMobilities: 5 },
      { category: BudgetCategory.ORGANISATIONAL_SUPPORT, awardedAmount: '3500.00' },
    ],
    reports: [
      { kind: ReportKind.INTERIM, dueOn: day(-60) },
      { kind: ReportKind.FINAL, dueOn: day(275) },
    ],
    notes: 'Mobilities of 2025/2026 and 2026/2027.',
  });
  const ka131 = await read().findOneOrFail(MobilityProgramme, { code: MobilityProgrammeCode.ERASMUS_KA131 });
  const studyCalls = await read().find(MobilityCall, { programme: ka131, mobilityType: MobilityType.SMS, academicYear: { $in: ['2025/2026', '2026/2027'] } });
  for (const c of studyCalls) {
    if (c.grantContractNumber) continue;
    await updateCall(office(), { id: toGlobalId(CALL_TYPE, c.id), version: c.version, grantContractNumber: DEMO_CONTRACT_NUMBER } as never);
  }

  // --- A supplementary contract: more for student individual support, inclusion support added ---------------------------
  const cid = toGlobalId(CONTRACT_TYPE, contract.id);
  await amendContract(office(), {
    contractId: cid,
    version: await version(GrantContract, contract.id),
    number: 'Ek Sözleşme 1 (Amendment 1)',
    signedOn: day(-200),
    reason: 'Two more student mobilities: unused staff funds moved to student support after the interim figures; inclusion support added.',
    changes: [
      { lineCode: 'SMS_INDIVIDUAL_SUPPORT', awardedAmount: '9000.00', awardedMobilities: 10 },
      { lineCode: 'SMS_TRAVEL', awardedAmount: '1200.00', awardedMobilities: 10 },
      { lineCode: 'STA_INDIVIDUAL_SUPPORT', awardedAmount: '3600.00', awardedMobilities: 4 },
      { lineCode: 'INCLUSION_SUPPORT', awardedAmount: '500.00' },
    ],
  });
  const organisational = await read().findOneOrFail(ContractLine, { contract: contract.id, code: BudgetCategory.ORGANISATIONAL_SUPPORT });
  for (const s of [
    { amount: '1200.00', date: day(-400), note: 'Erasmus information days and orientation' },
    { amount: '850.00', date: day(-300), note: 'Language preparation courses' },
    { amount: '1100.00', date: day(-120), note: 'Monitoring visits to partners' },
  ]) {
    await recordSpending(office(), { lineId: toGlobalId(CONTRACT_LINE_TYPE, organisational.id), ...s });
  }

  // --- The interim report, submitted with its figures; the final report due ---------------------------------------------
  const interim = await read().findOneOrFail(ContractReport, { contract: contract.id, kind: ReportKind.INTERIM });
  const rid = toGlobalId(REPORT_TYPE, interim.id);
  await changeReportStatus(office(), { id: rid, version: interim.version, to: ReportStatus.IN_PREPARATION });
  await updateReport(office(), {
    id: rid,
    version: await version(ContractReport, interim.id),
    narrative:
      'The first year’s student mobilities took place as planned; two students completed their studies in Poland and Czechia, ' +
      'and the information days reached every faculty. Staff mobility starts in the second year.',
  });
  await changeReportStatus(office(), { id: rid, version: await version(ContractReport, interim.id), to: ReportStatus.SUBMITTED });

  // --- Next year's call: a draft proposal on the units' 2027/2028 requests, its deadline near ----------------------------
  const next = await createNaCall(office(), {
    action: NaAction.KA131,
    title: 'Erasmus+ 2027 Call — KA131 Higher education student and staff mobility',
    year: 2027,
    deadline: at(20, 10),
    documents: [{ title: 'Erasmus+ Programme Guide 2027', url: 'https://erasmus-plus.ec.europa.eu/programme-guide' }],
    link: 'https://www.ua.gov.tr/',
  });
  for (const r of [
    { unit: 'ENG-CENG', type: MobilityType.SMS, mobilities: 8, months: 40 },
    { unit: 'ENG-CENG', type: MobilityType.SMT, mobilities: 3, months: 9 },
    { unit: 'SCI', type: MobilityType.SMS, mobilities: 4, months: 20 },
    { unit: 'ECON-IR', type: MobilityType.STT, mobilities: 2, days: 10 },
  ]) {
    await submitQuotaRequest(office(), { unitId: unit(r.unit), academicYear: '2027/2028', mobilityType: r.type, mobilities: r.mobilities, months: r.months, days: r.days });
  }
  const draft = await createProposal(office(), { naCallId: toGlobalId(NA_CALL_TYPE, next.id) });
  await includeQuotaRequests(office(), toGlobalId(PROPOSAL_TYPE, draft.id), await version(NaProposal, draft.id), '2027/2028');
  // A request arriving after the figures were taken in: the office sees it SUBMITTED in the summary.
  await submitQuotaRequest(office(), { unitId: unit('MED'), academicYear: '2027/2028', mobilityType: MobilityType.SMS, mobilities: 1, months: 5, note: 'Late: after the faculty board' });
}
