import type { EntityManager } from '@mikro-orm/postgresql';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AgreementKind } from '../agreements/agreement.entity';
import { MobilityCategory, MobilityProgramme, ProgrammeRuleSet, type MobilityProgrammeCode, type ProgrammeFamily } from './programme.entity';
import type { RuleSet } from './selection.rules';

export interface MobilityReference {
  academicYears: string[];
  ruleTemplates: Record<string, RuleSet>;
  programmes: {
    code: MobilityProgrammeCode;
    name: { tr: string; en: string };
    family: ProgrammeFamily;
    agreementKinds: AgreementKind[];
    countriesIncluded: string[];
    countriesExcluded: string[];
    enabled: boolean;
    grantBasis: string;
    rules: Partial<Record<MobilityCategory, string>>;
  }[];
}

export const MOBILITY_REFERENCE_FILE = path.resolve(__dirname, '../../../seeds/reference/mobility-programmes.json');

/**
 * The programmes and their rules per academic year, added where missing at every start (production included): the
 * office then edits them. Nothing the office changed is overwritten. Returns how many rows were added.
 */
export async function ensureMobilityReference(em: EntityManager, file = MOBILITY_REFERENCE_FILE): Promise<number> {
  const reference = JSON.parse(readFileSync(file, 'utf8')) as MobilityReference;
  return em.transactional(async (tx) => {
    const existing = new Map((await tx.find(MobilityProgramme, {})).map((p) => [p.code, p]));
    const ruleKeys = new Set(
      (await tx.find(ProgrammeRuleSet, {})).map((r) => `${r.programme.id}|${r.academicYear}|${r.category}`),
    );
    let added = 0;
    for (const seed of reference.programmes) {
      let programme = existing.get(seed.code);
      if (!programme) {
        const { rules: _rules, ...fields } = seed;
        programme = tx.create(MobilityProgramme, fields as never);
        added++;
      }
      for (const [category, template] of Object.entries(seed.rules) as [MobilityCategory, string][]) {
        const rules = reference.ruleTemplates[template];
        if (!rules) throw new Error(`${file}: ${seed.code} names an unknown rule template ${template}`);
        for (const academicYear of reference.academicYears) {
          if (ruleKeys.has(`${programme.id}|${academicYear}|${category}`)) continue;
          tx.create(ProgrammeRuleSet, { programme, academicYear, category, rules, updatedBy: 'seed' } as never);
          added++;
        }
      }
    }
    await tx.flush();
    return added;
  });
}
