/**
 * Shared set-up of the National Agency projects suites: office and coordinator identities, calls for proposals,
 * contracts with unique numbers, and mobilities under a contract built through the mobility API (the mobility suites'
 * MobilityWorld: agreement, call with the contract's number, application, selection, nomination, acceptance; then
 * dates, grants and payments).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  GrantComputeDocument,
  GrantRateTablesDocument,
  GrantRecordPaymentDocument,
  GrantSetRatesDocument,
  PrjCreateContractDocument,
  PrjCreateNaCallDocument,
  TrkConfirmArrivalDocument,
  TrkConfirmDepartureDocument,
  TrkSetDatesDocument,
  type CreateGrantContractInput,
  type CreateNaCallInput,
  type GrantComputeMutation,
  type SetGrantRatesInput,
} from '../generated/graphql';
import type { Identity, TestHub } from '../support/hub';
import { MobilityWorld, ok, RUN, STAFF, YEAR } from '../mobility/mobility.support';

export { errorOf, ok, RUN, STAFF, YEAR, uuidOf } from '../mobility/mobility.support';

let sequence = 0;
/** A contract number no other test (or run) uses, in the Agency's format. */
export const contractNumber = () => `2027-1-TR01-KA131-HED-${RUN}${String(++sequence).padStart(3, '0')}`;

export type Grant = GrantComputeMutation['computeGrant'];

/** Cents of a euro amount given as number or decimal string. */
export const cents = (amount: number | string) => Math.round(Number(amount) * 100);
/** 125050 → "1250.50". */
export const euros = (c: number) => `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`;

export class ProjectsWorld {
  readonly mobility: MobilityWorld;

  constructor(readonly hub: TestHub) {
    this.mobility = new MobilityWorld(hub);
  }

  async init(): Promise<this> {
    await this.mobility.init();
    return this;
  }

  sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
    return this.mobility.sql<T>(query, params);
  }

  async naCall(input: Partial<CreateNaCallInput> = {}) {
    return ok(
      await this.hub.request(
        PrjCreateNaCallDocument,
        { input: { action: 'KA131', title: `KA131 call ${RUN}-${++sequence}`, year: 2027, deadline: new Date(Date.now() + 40 * 86_400_000).toISOString(), ...input } },
        STAFF,
      ),
    ).createNaCall;
  }

  async contract(input: Partial<CreateGrantContractInput> = {}) {
    return ok(
      await this.hub.request(
        PrjCreateContractDocument,
        {
          input: {
            number: contractNumber(),
            action: 'KA131',
            periodStart: '2027-06-01',
            periodEnd: '2029-07-31',
            lines: [{ category: 'ORGANISATIONAL_SUPPORT', awardedAmount: '1000.00' }],
            ...input,
          },
        },
        STAFF,
      ),
    ).createGrantContract;
  }

  /**
   * The KA131 rates of the suites' year: the demo seed's figures unless the database already has a table for it (the
   * figures asserted below are taken from the computed grants, so either table will do).
   */
  async ensureRates(): Promise<void> {
    const seed = JSON.parse(readFileSync(path.join(__dirname, '../../seeds/demo/grant-rates.json'), 'utf8')) as {
      tables: { programme: string; source?: string; rates: SetGrantRatesInput['rates'] }[];
    };
    const ka131 = seed.tables.find((t) => t.programme === 'ERASMUS_KA131')!;
    const existing = ok(await this.hub.request(GrantRateTablesDocument, { programme: 'ERASMUS_KA131', academicYear: YEAR }, STAFF)).grantRateTables;
    if (existing.length) return;
    const res = await this.hub.request(GrantSetRatesDocument, { input: { programme: 'ERASMUS_KA131', academicYear: YEAR, rates: ka131.rates, source: ka131.source } }, STAFF);
    // Another suite on this database may have set them meanwhile.
    if (res.errors?.length && !ok(await this.hub.request(GrantRateTablesDocument, { programme: 'ERASMUS_KA131', academicYear: YEAR }, STAFF)).grantRateTables.length) ok(res);
  }

  /** An accepted mobility under `contract` with planned dates. */
  async contractMobility(opts: { contract: string; country: string; mobilityType?: 'SMS' | 'STA'; zeroGrant?: boolean; start: string; end: string }) {
    const built = await this.mobility.acceptedMobility({
      country: opts.country,
      mobilityType: opts.mobilityType,
      call: { grantContractNumber: opts.contract, ...(opts.zeroGrant ? { zeroGrant: true } : {}) },
      application: opts.zeroGrant ? { acceptsZeroGrant: true } : {},
    });
    const { version } = await this.mobility.read(built.application.id);
    ok(await this.hub.request(TrkSetDatesDocument, { input: { applicationId: built.application.id, version, plannedStart: opts.start, plannedEnd: opts.end } }, STAFF));
    return built;
  }

  async computeGrant(applicationId: string, input: { fewerOpportunities?: boolean; distanceKm?: number } = {}): Promise<Grant> {
    return ok(await this.hub.request(GrantComputeDocument, { input: { applicationId, ...input } }, STAFF)).computeGrant;
  }

  async pay(grantId: string, instalment: number, amount: number): Promise<void> {
    ok(await this.hub.request(GrantRecordPaymentDocument, { input: { grantId, instalment, amount, paidOn: '2027-09-10', reference: `EFT-${RUN}-${grantId.slice(-4)}-${instalment}` } }, STAFF));
  }

  async arrive(applicationId: string, actualStart: string): Promise<void> {
    const { version } = await this.mobility.read(applicationId);
    ok(await this.hub.request(TrkConfirmArrivalDocument, { input: { applicationId, version, actualStart } }, STAFF));
  }

  async depart(applicationId: string, actualEnd: string): Promise<void> {
    const { version } = await this.mobility.read(applicationId);
    ok(await this.hub.request(TrkConfirmDepartureDocument, { input: { applicationId, version, actualEnd, certificateReference: `CoA-${RUN}-${applicationId.slice(-6)}` } }, STAFF));
  }

  coordinator(...codes: string[]): Identity {
    return this.mobility.coordinator(...codes);
  }

  unit(code: string): string {
    return this.mobility.unit(code);
  }
}
