/**
 * The way to a grant contract: National Agency calls for proposals, the units' quota requests summed into the
 * proposal, its decision, and the contract that follows; who may do what; bad input refused with a code and nothing
 * half-written.
 */
import {
  PrjBudgetDocument,
  PrjChangeProposalStatusDocument,
  PrjContractByNumberDocument,
  PrjContractsDocument,
  PrjCreateContractDocument,
  PrjCreateNaCallDocument,
  PrjCreateProposalDocument,
  PrjDeadlinesDocument,
  PrjDeleteNaCallDocument,
  PrjIncludeQuotasDocument,
  PrjNaCallDocument,
  PrjNaCallsDocument,
  PrjNodeDocument,
  PrjProposalDocument,
  PrjQuotaRequestsDocument,
  PrjQuotaSummaryDocument,
  PrjSetProposalLinesDocument,
  PrjSetQuotaStatusDocument,
  PrjSubmitQuotaDocument,
  PrjUpdateNaCallDocument,
  PrjUpdateQuotaDocument,
  PrjWithdrawQuotaDocument,
  type SubmitQuotaRequestInput,
} from '../generated/graphql';
import { startTestHub, type Identity, type TestHub } from '../support/hub';
import { contractNumber, errorOf, ok, ProjectsWorld, RUN, STAFF, uuidOf } from './projects.support';

let hub: TestHub;
let world: ProjectsWorld;

/** A year of this run only: the suite's quota requests are the only ones in it. */
const Y = 2040 + Math.floor(Math.random() * 50);
const YEAR = `${Y}/${Y + 1}`;
const OTHER_YEAR = `${Y + 60}/${Y + 61}`;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new ProjectsWorld(hub).init();
}, 120_000);
afterAll(() => hub.close());

const submit = (as: Identity, unit: string, input: Partial<SubmitQuotaRequestInput>, academicYear = YEAR) =>
  hub.request(PrjSubmitQuotaDocument, { input: { unitId: world.unit(unit), academicYear, mobilityType: 'SMS', mobilities: 1, months: 5, ...input } }, as);

describe('quota requests summed into the proposal', () => {
  it('sums the year’s requests per activity type and unit, copies them into the draft and marks them INCLUDED; late ones are added by including again', async () => {
    const eng = world.coordinator('ENG');
    const cen = ok(await submit(eng, 'ENG-CENG', { mobilities: 5, months: 25, note: 'Two new partners' })).submitQuotaRequest;
    expect(cen).toMatchObject({ status: 'SUBMITTED', requestedBy: eng.sub, unit: { code: 'ENG-CENG' }, months: 25, days: null, proposalId: null });
    ok(await submit(STAFF, 'SCI-PHYS', { mobilities: 2, months: 10 }));
    ok(await submit(eng, 'ENG', { mobilityType: 'STA', mobilities: 3, months: null, days: 15 }));
    const econ = ok(await submit(STAFF, 'ECON', { mobilities: 4, months: 20 })).submitQuotaRequest;
    ok(await hub.request(PrjSetQuotaStatusDocument, { id: econ.id, version: econ.version, status: 'DECLINED' }, STAFF));

    const summary = ok(await hub.request(PrjQuotaSummaryDocument, { academicYear: YEAR }, STAFF)).quotaRequestSummary;
    expect(summary.byActivityType.map(({ units, ...t }) => ({ ...t, units: units.map((u) => [u.unit.code, u.mobilities, u.months, u.days]) }))).toEqual([
      { mobilityType: 'SMS', requests: 2, mobilities: 7, months: 35, days: 0, units: [['ENG-CENG', 5, 25, 0], ['SCI-PHYS', 2, 10, 0]] },
      { mobilityType: 'STA', requests: 1, mobilities: 3, months: 0, days: 15, units: [['ENG', 3, 0, 15]] },
    ]);

    const call = await world.naCall({ title: `KA131 ${YEAR}` });
    let proposal = ok(await hub.request(PrjCreateProposalDocument, { input: { naCallId: call.id, notes: 'From the units' } }, STAFF)).createNaProposal;
    expect(proposal).toMatchObject({ status: 'DRAFT', lines: [], naCall: { id: call.id } });
    proposal = ok(await hub.request(PrjIncludeQuotasDocument, { proposalId: proposal.id, version: proposal.version, academicYear: YEAR }, STAFF)).includeQuotaRequests;
    const figures = (p: typeof proposal) => p.lines.map((l) => [l.mobilityType, l.mobilities, l.months, l.days, l.budget, l.units.map((u) => u.code).sort()]);
    expect(figures(proposal)).toEqual([
      ['SMS', 7, 35, null, null, ['ENG-CENG', 'SCI-PHYS']],
      ['STA', 3, null, 15, null, ['ENG']],
    ]);
    const requests = ok(await hub.request(PrjQuotaRequestsDocument, { academicYear: YEAR }, STAFF)).quotaRequests;
    expect(requests.map((r) => [r.unit.code, r.status, r.proposalId]).sort()).toEqual(
      [
        ['ECON', 'DECLINED', null],
        ['ENG', 'INCLUDED', proposal.id],
        ['ENG-CENG', 'INCLUDED', proposal.id],
        ['SCI-PHYS', 'INCLUDED', proposal.id],
      ].sort(),
    );
    // An included request is no longer the unit's to change.
    const included = requests.find((r) => r.unit.code === 'ENG-CENG')!;
    expect(errorOf(await hub.request(PrjUpdateQuotaDocument, { input: { id: included.id, version: included.version, mobilities: 9 } }, eng))).toMatchObject({
      code: 'CONFLICT',
      reason: 'QUOTA_REQUEST_LOCKED',
    });

    // The office sets the budget per line: the units stay.
    proposal = ok(
      await hub.request(
        PrjSetProposalLinesDocument,
        {
          input: {
            proposalId: proposal.id,
            version: proposal.version,
            lines: [
              { mobilityType: 'SMS', mobilities: 7, months: 35, budget: '18200' },
              { mobilityType: 'STA', mobilities: 3, days: 15, budget: '4800.5' },
            ],
          },
        },
        STAFF,
      ),
    ).setNaProposalLines;
    expect(figures(proposal)).toEqual([
      ['SMS', 7, 35, null, '18200.00', ['ENG-CENG', 'SCI-PHYS']],
      ['STA', 3, null, 15, '4800.50', ['ENG']],
    ]);

    // A late request: including again adds it to what was included before; the budget is kept.
    ok(await submit(world.coordinator('SCI'), 'SCI-MATH', { mobilities: 1, months: 4 }));
    proposal = ok(await hub.request(PrjIncludeQuotasDocument, { proposalId: proposal.id, version: proposal.version, academicYear: YEAR }, STAFF)).includeQuotaRequests;
    expect(figures(proposal)[0]).toEqual(['SMS', 8, 39, null, '18200.00', ['ENG-CENG', 'SCI-MATH', 'SCI-PHYS']]);

    // Submitted, then the Agency's decision with its date; the draft's figures are then fixed.
    proposal = ok(await hub.request(PrjChangeProposalStatusDocument, { input: { id: proposal.id, version: proposal.version, to: 'SUBMITTED' } }, STAFF)).changeNaProposalStatus;
    expect(proposal.submittedAt).not.toBeNull();
    expect(errorOf(await hub.request(PrjIncludeQuotasDocument, { proposalId: proposal.id, version: proposal.version, academicYear: YEAR }, STAFF))).toMatchObject({
      reason: 'PROPOSAL_NOT_DRAFT',
    });
    expect(errorOf(await hub.request(PrjChangeProposalStatusDocument, { input: { id: proposal.id, version: proposal.version, to: 'APPROVED' } }, STAFF))).toMatchObject({
      reason: 'DECISION_DATE_REQUIRED',
      field: 'decisionDate',
    });
    expect(errorOf(await hub.request(PrjChangeProposalStatusDocument, { input: { id: proposal.id, version: proposal.version, to: 'DRAFT' } }, STAFF))).toMatchObject({
      reason: 'INVALID_TRANSITION',
      allowed: ['APPROVED', 'REJECTED'],
    });
    proposal = ok(
      await hub.request(PrjChangeProposalStatusDocument, { input: { id: proposal.id, version: proposal.version, to: 'APPROVED', decisionDate: `${Y}-05-20`, note: 'Reduced' } }, STAFF),
    ).changeNaProposalStatus;
    expect(proposal).toMatchObject({ status: 'APPROVED', decisionDate: `${Y}-05-20`, decisionNote: 'Reduced' });
    expect(ok(await hub.request(PrjNaCallDocument, { id: call.id }, STAFF)).naCall!.proposal).toEqual({ id: proposal.id, status: 'APPROVED' });

    // The contract that follows names the proposal and its call.
    const number = contractNumber();
    const contract = ok(
      await hub.request(
        PrjCreateContractDocument,
        {
          input: {
            number,
            proposalId: proposal.id,
            action: 'KA131',
            periodStart: `${Y}-06-01`,
            periodEnd: `${Y + 2}-07-31`,
            lines: [{ category: 'INDIVIDUAL_SUPPORT', mobilityType: 'SMS', awardedAmount: '15000', awardedMobilities: 7 }],
            reports: [
              { kind: 'INTERIM', dueOn: `${Y + 1}-03-31` },
              { kind: 'FINAL', dueOn: `${Y + 2}-09-30` },
            ],
          },
        },
        STAFF,
      ),
    ).createGrantContract;
    expect(contract).toMatchObject({ number, status: 'ACTIVE', nearLimitPercent: 90, proposal: { id: proposal.id }, naCall: { id: call.id } });
    expect(contract.lines).toEqual([expect.objectContaining({ code: 'SMS_INDIVIDUAL_SUPPORT', awardedAmount: '15000.00', awardedMobilities: 7 })]);
    expect(contract.reports.map((r) => [r.kind, r.dueOn, r.status])).toEqual([
      ['FINAL', `${Y + 2}-09-30`, 'NOT_STARTED'],
      ['INTERIM', `${Y + 1}-03-31`, 'NOT_STARTED'],
    ]);
    expect(ok(await hub.request(PrjContractByNumberDocument, { number }, STAFF)).grantContractByNumber!.id).toBe(contract.id);
  });

  it('refuses to include when no request was submitted, and a contract from a proposal not approved', async () => {
    const call = await world.naCall();
    const proposal = ok(await hub.request(PrjCreateProposalDocument, { input: { naCallId: call.id } }, STAFF)).createNaProposal;
    expect(errorOf(await hub.request(PrjIncludeQuotasDocument, { proposalId: proposal.id, version: proposal.version, academicYear: OTHER_YEAR }, STAFF))).toMatchObject({
      code: 'CONFLICT',
      reason: 'NO_QUOTA_REQUESTS',
    });
    expect(errorOf(await hub.request(PrjChangeProposalStatusDocument, { input: { id: proposal.id, version: proposal.version, to: 'SUBMITTED' } }, STAFF))).toMatchObject({
      reason: 'PROPOSAL_WITHOUT_LINES',
    });
    expect(errorOf(await hub.request(PrjCreateProposalDocument, { input: { naCallId: call.id } }, STAFF))).toMatchObject({ code: 'CONFLICT', reason: 'PROPOSAL_EXISTS' });
    const number = contractNumber();
    expect(
      errorOf(
        await hub.request(
          PrjCreateContractDocument,
          { input: { number, proposalId: proposal.id, action: 'KA131', periodStart: '2030-06-01', periodEnd: '2032-07-31', lines: [{ category: 'ORGANISATIONAL_SUPPORT', awardedAmount: '10' }] } },
          STAFF,
        ),
      ),
    ).toMatchObject({ code: 'CONFLICT', reason: 'PROPOSAL_NOT_APPROVED' });
    expect(ok(await hub.request(PrjContractByNumberDocument, { number }, STAFF)).grantContractByNumber).toBeNull();
    // A call with a proposal stays; one without can be deleted.
    const naCall = ok(await hub.request(PrjNaCallDocument, { id: call.id }, STAFF)).naCall!;
    expect(errorOf(await hub.request(PrjDeleteNaCallDocument, { id: call.id, version: naCall.version }, STAFF))).toMatchObject({ reason: 'NA_CALL_HAS_PROPOSAL' });
    const spare = await world.naCall();
    expect(ok(await hub.request(PrjDeleteNaCallDocument, { id: spare.id, version: spare.version }, STAFF)).deleteNaCall).toBe(spare.id);
    expect(ok(await hub.request(PrjNaCallDocument, { id: spare.id }, STAFF)).naCall).toBeNull();
  });
});

describe('access per role', () => {
  it('lets a coordinator enter, change and read only their units’ quota requests and summary', async () => {
    const year = `${Y + 20}/${Y + 21}`;
    const sci = world.coordinator('SCI');
    const eng = world.coordinator('ENG-CENG');
    expect(errorOf(await submit(sci, 'ENG-CENG', { mobilities: 2 }, year))).toMatchObject({ code: 'FORBIDDEN' });
    // A faculty's coordinator covers its departments; a department's coordinator does not cover the faculty.
    const phys = ok(await submit(sci, 'SCI-PHYS', { mobilities: 2, months: 10 }, year)).submitQuotaRequest;
    expect(errorOf(await submit(eng, 'ENG', { mobilities: 2 }, year))).toMatchObject({ code: 'FORBIDDEN' });
    const cen = ok(await submit(eng, 'ENG-CENG', { mobilities: 3, months: 15 }, year)).submitQuotaRequest;

    expect(ok(await hub.request(PrjQuotaRequestsDocument, { academicYear: year }, sci)).quotaRequests.map((r) => r.id)).toEqual([phys.id]);
    expect(ok(await hub.request(PrjQuotaRequestsDocument, { academicYear: year }, eng)).quotaRequests.map((r) => r.id)).toEqual([cen.id]);
    expect(ok(await hub.request(PrjQuotaRequestsDocument, { academicYear: year }, STAFF)).quotaRequests.map((r) => r.id).sort()).toEqual([phys.id, cen.id].sort());
    const summary = ok(await hub.request(PrjQuotaSummaryDocument, { academicYear: year }, sci)).quotaRequestSummary;
    expect(summary.byActivityType).toEqual([{ mobilityType: 'SMS', requests: 1, mobilities: 2, months: 10, days: 0, units: [{ unit: { id: world.unit('SCI-PHYS'), code: 'SCI-PHYS' }, requests: 1, mobilities: 2, months: 10, days: 0 }] }]);

    expect(ok(await hub.request(PrjNodeDocument, { id: cen.id }, sci)).node).toBeNull();
    expect(ok(await hub.request(PrjNodeDocument, { id: cen.id }, eng)).node).toMatchObject({ __typename: 'QuotaRequest', id: cen.id });

    // Changing or withdrawing another unit's request, and the office's decisions, are refused.
    expect(errorOf(await hub.request(PrjUpdateQuotaDocument, { input: { id: cen.id, version: cen.version, mobilities: 9 } }, sci))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(PrjWithdrawQuotaDocument, { id: cen.id, version: cen.version }, sci))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(PrjSetQuotaStatusDocument, { id: phys.id, version: phys.version, status: 'DECLINED' }, sci))).toMatchObject({ code: 'FORBIDDEN' });
    const changed = ok(await hub.request(PrjUpdateQuotaDocument, { input: { id: cen.id, version: cen.version, mobilities: 4, months: 20 } }, eng)).updateQuotaRequest;
    expect(changed).toMatchObject({ mobilities: 4, months: 20, version: cen.version + 1 });
    expect(ok(await hub.request(PrjWithdrawQuotaDocument, { id: phys.id, version: phys.version }, sci)).withdrawQuotaRequest).toBe(phys.id);
    expect(ok(await hub.request(PrjQuotaRequestsDocument, { academicYear: year }, STAFF)).quotaRequests.map((r) => r.id)).toEqual([cen.id]);
  });

  it('lets coordinators read the calls but nothing else of the office’s; applicants are refused and anonymous visitors asked to sign in', async () => {
    const call = await world.naCall();
    const proposal = ok(await hub.request(PrjCreateProposalDocument, { input: { naCallId: call.id } }, STAFF)).createNaProposal;
    const contract = await world.contract();
    const coordinator = world.coordinator('ENG');
    const applicant = world.mobility.applicant();

    expect(ok(await hub.request(PrjNaCallsDocument, { year: 2027 }, coordinator)).naCalls.map((c) => c.id)).toContain(call.id);
    expect(ok(await hub.request(PrjNaCallDocument, { id: call.id }, coordinator)).naCall).toMatchObject({ id: call.id, proposal: null });
    for (const [res, code] of [
      [await hub.request(PrjCreateNaCallDocument, { input: { action: 'KA171', title: 'Nope', year: 2027, deadline: new Date().toISOString() } }, coordinator), 'FORBIDDEN'],
      [await hub.request(PrjProposalDocument, { id: proposal.id }, coordinator), 'FORBIDDEN'],
      [await hub.request(PrjContractsDocument, {}, coordinator), 'FORBIDDEN'],
      [await hub.request(PrjBudgetDocument, { contractId: contract.id }, coordinator), 'FORBIDDEN'],
      [await hub.request(PrjDeadlinesDocument, { withinDays: 30 }, coordinator), 'FORBIDDEN'],
      [await hub.request(PrjNaCallsDocument, {}, applicant), 'FORBIDDEN'],
      [await hub.request(PrjQuotaRequestsDocument, { academicYear: YEAR }, applicant), 'FORBIDDEN'],
      [await submit(applicant, 'ENG-CENG', {}), 'FORBIDDEN'],
      [await hub.request(PrjBudgetDocument, { contractId: contract.id }, applicant), 'FORBIDDEN'],
      [await hub.request(PrjNaCallsDocument, {}), 'UNAUTHENTICATED'],
      [await hub.request(PrjQuotaSummaryDocument, { academicYear: YEAR }), 'UNAUTHENTICATED'],
      [await hub.request(PrjContractsDocument, {}), 'UNAUTHENTICATED'],
    ] as const) {
      expect(errorOf(res)).toMatchObject({ code });
    }
    // node(id) reveals nothing to those who may not read the record.
    expect(ok(await hub.request(PrjNodeDocument, { id: contract.id }, coordinator)).node).toBeNull();
    expect(ok(await hub.request(PrjNodeDocument, { id: call.id }, applicant)).node).toBeNull();
    expect(ok(await hub.request(PrjNodeDocument, { id: contract.id }, STAFF)).node).toMatchObject({ id: contract.id });
  });
});

describe('bad input', () => {
  it('refuses bad quota requests with a code and writes nothing', async () => {
    const year = `${Y + 30}/${Y + 31}`;
    const cases: [Partial<SubmitQuotaRequestInput>, string, string][] = [
      [{ academicYear: `${Y}/${Y + 2}` }, 'INVALID_ACADEMIC_YEAR', 'academicYear'],
      [{ academicYear: `${Y}-${Y + 1}` }, 'VALIDATION_FAILED', 'academicYear'],
      [{ mobilities: 0 }, 'VALIDATION_FAILED', 'mobilities'],
      [{ days: 10 }, 'DURATION_MISMATCH', 'days'],
      [{ mobilityType: 'STT', months: 3 }, 'DURATION_MISMATCH', 'months'],
      [{ note: 'x'.repeat(2001) }, 'VALIDATION_FAILED', 'note'],
    ];
    for (const [input, reason, field] of cases) {
      expect(errorOf(await submit(STAFF, 'ECON-IR', { academicYear: year, ...input }, input.academicYear ?? year))).toMatchObject({ code: 'BAD_USER_INPUT', reason, field });
    }
    expect(errorOf(await hub.request(PrjSubmitQuotaDocument, { input: { unitId: 'not-an-id', academicYear: year, mobilityType: 'SMS', mobilities: 1 } }, STAFF))).toMatchObject({
      reason: 'INVALID_ID',
    });
    expect(ok(await hub.request(PrjQuotaRequestsDocument, { academicYear: year }, STAFF)).quotaRequests).toEqual([]);
    const first = ok(await submit(STAFF, 'ECON-IR', {}, year)).submitQuotaRequest;
    expect(errorOf(await submit(world.coordinator('ECON'), 'ECON-IR', { mobilities: 3 }, year))).toMatchObject({ code: 'CONFLICT', reason: 'QUOTA_REQUEST_EXISTS', quotaRequestId: first.id });
    const updated = ok(await hub.request(PrjUpdateQuotaDocument, { input: { id: first.id, version: first.version, mobilities: 2 } }, STAFF)).updateQuotaRequest;
    expect(errorOf(await hub.request(PrjUpdateQuotaDocument, { input: { id: first.id, version: first.version, mobilities: 5 } }, STAFF))).toMatchObject({ reason: 'VERSION_CONFLICT' });
    expect(errorOf(await hub.request(PrjUpdateQuotaDocument, { input: { id: first.id, version: updated.version, days: 4 } }, STAFF))).toMatchObject({ reason: 'DURATION_MISMATCH' });
    expect(ok(await hub.request(PrjQuotaRequestsDocument, { academicYear: year }, STAFF)).quotaRequests).toEqual([expect.objectContaining({ mobilities: 2, months: 5, days: null, version: updated.version })]);
  });

  it('refuses bad calls, proposals and contracts with a code and writes nothing', async () => {
    const deadline = new Date(Date.now() + 86_400_000).toISOString();
    const callRes = (input: Record<string, unknown>) =>
      hub.request(PrjCreateNaCallDocument, { input: { action: 'KA131', title: 'A call', year: 2027, deadline, ...input } as never }, STAFF);
    const title = `Refused ${RUN}`;
    expect(errorOf(await callRes({ title, documents: [{ title: 'Guide', url: 'javascript:alert(1)' }] }))).toMatchObject({ reason: 'VALIDATION_FAILED', field: 'documents.0.url' });
    expect(errorOf(await callRes({ title, year: 1990 }))).toMatchObject({ reason: 'VALIDATION_FAILED', field: 'year' });
    expect(errorOf(await callRes({ title: 'x' }))).toMatchObject({ reason: 'VALIDATION_FAILED', field: 'title' });
    expect(ok(await hub.request(PrjNaCallsDocument, {}, STAFF)).naCalls.filter((c) => c.title === title)).toEqual([]);

    const call = await world.naCall();
    const updated = ok(await hub.request(PrjUpdateNaCallDocument, { input: { id: call.id, version: call.version, title: 'Renamed call', link: 'https://www.ua.gov.tr/' } }, STAFF)).updateNaCall;
    expect(updated).toMatchObject({ title: 'Renamed call', link: 'https://www.ua.gov.tr/', version: call.version + 1 });
    expect(errorOf(await hub.request(PrjUpdateNaCallDocument, { input: { id: call.id, version: call.version, title: 'Stale' } }, STAFF))).toMatchObject({ reason: 'VERSION_CONFLICT' });

    const proposal = ok(await hub.request(PrjCreateProposalDocument, { input: { naCallId: call.id } }, STAFF)).createNaProposal;
    const twice = await hub.request(
      PrjSetProposalLinesDocument,
      { input: { proposalId: proposal.id, version: proposal.version, lines: [{ mobilityType: 'SMS', mobilities: 2, months: 10 }, { mobilityType: 'SMS', mobilities: 1, months: 5 }] } },
      STAFF,
    );
    expect(errorOf(twice)).toMatchObject({ reason: 'DUPLICATE_LINE', field: 'lines.1.mobilityType' });
    expect(errorOf(await hub.request(PrjSetProposalLinesDocument, { input: { proposalId: proposal.id, version: proposal.version, lines: [{ mobilityType: 'STA', mobilities: 2, days: 5, budget: '1.234' }] } }, STAFF))).toMatchObject({
      reason: 'VALIDATION_FAILED',
      field: 'lines.0.budget',
    });
    expect(ok(await hub.request(PrjProposalDocument, { id: proposal.id }, STAFF)).naProposal).toMatchObject({ version: proposal.version, lines: [] });

    const number = contractNumber();
    const create = (input: Record<string, unknown>) =>
      hub.request(
        PrjCreateContractDocument,
        { input: { number, action: 'KA131', periodStart: '2030-06-01', periodEnd: '2032-07-31', lines: [{ category: 'ORGANISATIONAL_SUPPORT', awardedAmount: '10' }], ...input } as never },
        STAFF,
      );
    const refusals: [Record<string, unknown>, string, string | undefined][] = [
      [{ periodEnd: '2030-05-31' }, 'INVALID_PERIOD', 'periodEnd'],
      [{ periodStart: '2030-02-30' }, 'VALIDATION_FAILED', 'periodStart'],
      [{ number: '   ' }, 'INVALID_CONTRACT_NUMBER', 'number'],
      [{ number: 'x'.repeat(61) }, 'VALIDATION_FAILED', 'number'],
      [{ lines: [] }, 'VALIDATION_FAILED', 'lines'],
      [{ lines: [{ category: 'TRAVEL', awardedAmount: '10' }] }, 'INVALID_LINE', 'lines.0.mobilityType'],
      [{ lines: [{ category: 'ORGANISATIONAL_SUPPORT', mobilityType: 'SMS', awardedAmount: '10' }] }, 'INVALID_LINE', 'lines.0.mobilityType'],
      [{ lines: [{ category: 'TRAVEL', mobilityType: 'SMS', awardedAmount: '10' }, { category: 'TRAVEL', mobilityType: 'SMS', awardedAmount: '20' }] }, 'DUPLICATE_LINE', 'lines.1'],
      [{ lines: [{ category: 'TRAVEL', mobilityType: 'SMS', awardedAmount: '1,000.00' }] }, 'VALIDATION_FAILED', 'lines.0.awardedAmount'],
      [{ nearLimitPercent: 0 }, 'VALIDATION_FAILED', 'nearLimitPercent'],
    ];
    for (const [input, reason, field] of refusals) {
      expect(errorOf(await create(input))).toMatchObject({ code: 'BAD_USER_INPUT', reason, field });
    }
    expect(ok(await hub.request(PrjContractByNumberDocument, { number }, STAFF)).grantContractByNumber).toBeNull();
    const made = ok(await create({})).createGrantContract;
    expect(errorOf(await create({ lines: [{ category: 'TRAVEL', mobilityType: 'SMS', awardedAmount: '10' }] }))).toMatchObject({ code: 'CONFLICT', reason: 'CONTRACT_NUMBER_TAKEN' });
    // The refused second contract left no lines behind.
    const lines = await world.sql<{ n: number }>(`select count(*)::int as n from project_contract_line l join project_grant_contract c on c.id = l.contract_id where c.number = ?`, [number]);
    expect(lines[0].n).toBe(1);
    expect(uuidOf(made.id)).toBeDefined();
  });
});
