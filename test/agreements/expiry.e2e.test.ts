import { expireEndedAgreements } from '../../src/modules/agreements/agreement.service';
import { academicYearEnd, academicYearOf, academicYearsBetween } from '../../src/modules/agreements/academic-year';
import {
  HomeInstitutionDocument,
  PartnerDocument,
  PartnerSetupAgreementDocument,
  PartnerSetupInstitutionDocument,
  PartnerSetupSignDocument,
  PartnerSetupStatusDocument,
} from '../generated/graphql';
import { startTestHub, type TestHub } from '../support/hub';

let hub: TestHub;
const STAFF = { role: 'STAFF' as const };
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

async function agreementInEffect(firstAcademicYear: string, lastAcademicYear: string) {
  const home = (await hub.request(HomeInstitutionDocument, {})).data!.homeInstitution.id;
  const partner = await hub.request(
    PartnerSetupInstitutionDocument,
    { input: { officialName: `Expiry ${lastAcademicYear} ${Math.random().toString(36).slice(2)}`, country: 'NL' } },
    STAFF,
  );
  const partnerId = partner.data!.createInstitution.id;
  const created = await hub.request(
    PartnerSetupAgreementDocument,
    {
      input: {
        kind: 'BILATERAL',
        title: `Ends ${lastAcademicYear}`,
        partners: [{ institutionId: partnerId }],
        firstAcademicYear,
        lastAcademicYear,
        conditions: [
          { sendingInstitutionId: home, receivingInstitutionId: partnerId, mobilityType: 'STA', firstAcademicYear, lastAcademicYear, mobilitiesPerYear: 1, totalDaysPerYear: 5 },
        ],
      },
    },
    STAFF,
  );
  let { id, version } = created.data!.createAgreement;
  ({ version } = (await hub.request(PartnerSetupStatusDocument, { id, version, status: 'IN_NEGOTIATION' }, STAFF)).data!.changeAgreementStatus);
  for (const side of ['HOME', 'PARTNER'] as const) {
    ({ version } = (await hub.request(PartnerSetupSignDocument, { input: { id, version, side, signatory: 'Dean', signedOn: '2023-06-01' } }, STAFF)).data!.signAgreement);
  }
  return { id, partnerId };
}

describe('agreement expiry (the scheduled job)', () => {
  it('moves agreements whose last academic year has ended to EXPIRED and leaves running ones alone', async () => {
    const ended = await agreementInEffect('2023/2024', '2024/2025');
    const running = await agreementInEffect('2025/2026', '2029/2030');
    const count = await expireEndedAgreements(hub.hub.orm.em.fork(), new Date('2026-11-28T00:00:00Z'));
    expect(count).toBeGreaterThanOrEqual(1);
    const endedPartner = await hub.request(PartnerDocument, { id: ended.partnerId });
    expect(endedPartner.data!.partner!.cooperation!.hasActiveAgreement).toBe(false);
    const runningPartner = await hub.request(PartnerDocument, { id: running.partnerId });
    expect(runningPartner.data!.partner!.cooperation!.hasActiveAgreement).toBe(true);
    // Running it again finds nothing more to expire among these.
    const again = await expireEndedAgreements(hub.hub.orm.em.fork(), new Date('2026-11-28T00:00:00Z'));
    expect(again).toBe(0);
  });
});

describe('academic years', () => {
  it('end on 31 August of their second calendar year and follow the date', () => {
    expect(academicYearEnd('2025/2026')).toBe('2026-08-31');
    expect(academicYearOf(new Date('2026-11-28T00:00:00Z'))).toBe('2026/2027');
    expect(academicYearOf(new Date('2026-08-31T00:00:00Z'))).toBe('2025/2026');
    expect(academicYearsBetween('2024/2025', '2026/2027')).toEqual(['2024/2025', '2025/2026', '2026/2027']);
  });
});
