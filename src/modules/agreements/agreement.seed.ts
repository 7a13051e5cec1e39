import type { EntityManager } from '@mikro-orm/postgresql';
import { Institution } from '../institutions/institution.entity';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { Agreement, AgreementKind, AgreementPartner, AgreementRevision, AgreementStatus, CooperationCondition, MobilityType } from './agreement.entity';
import { snapshotOf } from './agreement.service';

/** A demo agreement: the partner by Erasmus code, the home unit by code; conditions OUT (home sends) or IN. */
export interface AgreementSeed {
  kind: keyof typeof AgreementKind;
  status: keyof typeof AgreementStatus;
  title: string;
  reference: string;
  partnerErasmusCode: string;
  homeUnit?: string;
  firstAcademicYear: string;
  lastAcademicYear: string;
  signedOn?: string;
  conditions: {
    direction: 'OUT' | 'IN';
    mobilityType: keyof typeof MobilityType;
    mobilitiesPerYear: number;
    totalMonthsPerYear?: number;
    totalDaysPerYear?: number;
    isced: string[];
    eqfLevels: number[];
    languages: { language: string; cefr?: string }[];
  }[];
}

/** Loads demo agreements (after the institutions); partners missing from the directory are skipped. */
export async function seedAgreements(em: EntityManager, seeds: AgreementSeed[]): Promise<number> {
  const home = await em.findOneOrFail(Institution, { isHome: true });
  const partners = await em.find(Institution, { erasmusCode: { $in: seeds.map((s) => s.partnerErasmusCode) } });
  const units = await em.find(OrganisationalUnit, { institution: home });
  const partnerByCode = new Map(partners.map((p) => [p.erasmusCode!, p]));
  const unitByCode = new Map(units.map((u) => [u.code, u]));
  let created = 0;
  for (const seed of seeds) {
    const partner = partnerByCode.get(seed.partnerErasmusCode);
    if (!partner) continue;
    const signed = ['SIGNED_BY_ONE', 'IN_EFFECT', 'EXPIRED'].includes(seed.status);
    const agreement = em.create(Agreement, {
      kind: AgreementKind[seed.kind],
      status: AgreementStatus[seed.status],
      title: seed.title,
      reference: seed.reference,
      homeUnit: seed.homeUnit ? unitByCode.get(seed.homeUnit) : undefined,
      firstAcademicYear: seed.firstAcademicYear,
      lastAcademicYear: seed.lastAcademicYear,
      homeSignatory: signed ? 'Prof. Dr. Ali Veli, Rector' : undefined,
      homeSignedOn: signed ? seed.signedOn : undefined,
      partnerSignatory: signed && seed.status !== 'SIGNED_BY_ONE' ? 'International Office' : undefined,
      partnerSignedOn: signed && seed.status !== 'SIGNED_BY_ONE' ? seed.signedOn : undefined,
    } as never);
    em.create(AgreementPartner, { agreement, institution: partner } as never);
    seed.conditions.forEach((c, position) => {
      em.create(CooperationCondition, {
        agreement,
        sendingInstitution: c.direction === 'OUT' ? home : partner,
        receivingInstitution: c.direction === 'OUT' ? partner : home,
        sendingUnit: c.direction === 'OUT' && seed.homeUnit ? unitByCode.get(seed.homeUnit) : undefined,
        receivingUnit: c.direction === 'IN' && seed.homeUnit ? unitByCode.get(seed.homeUnit) : undefined,
        mobilityType: MobilityType[c.mobilityType],
        firstAcademicYear: seed.firstAcademicYear,
        lastAcademicYear: seed.lastAcademicYear,
        mobilitiesPerYear: c.mobilitiesPerYear,
        totalMonthsPerYear: c.totalMonthsPerYear,
        totalDaysPerYear: c.totalDaysPerYear,
        subjectAreas: c.isced.map((isced) => ({ isced })),
        iscedCodes: c.isced,
        eqfLevels: c.eqfLevels,
        languages: c.languages,
        languageCodes: c.languages.map((l) => l.language),
        position,
      } as never);
    });
    em.create(AgreementRevision, { agreement, version: 1, actor: 'seed', snapshot: snapshotOf(agreement), changes: [] } as never);
    created++;
  }
  await em.flush();
  return created;
}
