import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertOffice } from '../../platform/auth/office';
import { notFound, versionConflict } from '../../platform/errors/domain-error';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId } from '../../platform/graphql/relay';
import { MobilityErrors } from './mobility.errors';
import type { SelectionRules, SetProgrammeRulesInput, UpdateProgrammeInput } from './mobility.inputs';
import { MobilityCategory, MobilityProgramme, ProgrammeRuleSet } from './programme.entity';
import type { RuleSet, StudyLevel } from './selection.rules';
import { mergeLocalised } from '../../platform/graphql/localised-text';

export const PROGRAMME_TYPE = 'MobilityProgramme';

export const PROGRAMME_EVENTS = {
  updated: 'mobilityProgramme.updated',
  rulesSet: 'mobilityProgramme.rulesSet',
};

export function listProgrammes(ctx: RequestContext): Promise<MobilityProgramme[]> {
  return ctx.em.find(MobilityProgramme, {}, { orderBy: { code: 'asc' } });
}

export function getProgramme(ctx: RequestContext, id: string): Promise<MobilityProgramme | null> {
  return ctx.em.findOne(MobilityProgramme, { id });
}

/** The rules in force for a programme, year and category; null when the office has not set them. */
export function findRuleSet(em: EntityManager, programmeId: string, academicYear: string, category: MobilityCategory): Promise<ProgrammeRuleSet | null> {
  return em.findOne(ProgrammeRuleSet, { programme: programmeId, academicYear, category });
}

export async function updateProgramme(ctx: RequestContext, input: UpdateProgrammeInput): Promise<MobilityProgramme> {
  assertOffice(ctx);
  const id = fromGlobalId(input.id, PROGRAMME_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const programme = await tx.em.findOne(MobilityProgramme, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!programme) throw notFound(PROGRAMME_TYPE, input.id);
    if (programme.version !== input.version) throw versionConflict(PROGRAMME_TYPE, input.version, programme.version);
    const changed: string[] = [];
    if (input.enabled !== undefined && input.enabled !== null && input.enabled !== programme.enabled) {
      programme.enabled = input.enabled;
      changed.push('enabled');
    }
    if (input.grantBasis !== undefined && (input.grantBasis ?? undefined) !== programme.grantBasis) {
      programme.grantBasis = input.grantBasis ?? undefined;
      changed.push('grantBasis');
    }
    if (input.name) {
      programme.name = mergeLocalised(programme.name, input.name);
      changed.push('name');
    }
    if (changed.length === 0) return programme;
    await tx.em.flush();
    tx.emit({ type: PROGRAMME_EVENTS.updated, aggregateType: PROGRAMME_TYPE, aggregateId: programme.id, aggregateVersion: programme.version, payload: { changed } });
    return programme;
  });
}

/** Sets (or replaces) a programme's rules for one academic year and category. Scores already given keep their breakdown. */
export async function setProgrammeRules(ctx: RequestContext, input: SetProgrammeRulesInput): Promise<ProgrammeRuleSet> {
  assertOffice(ctx);
  const programmeId = fromGlobalId(input.programmeId, PROGRAMME_TYPE, 'programmeId');
  const rules = toRuleSet(input.rules);
  return ctx.transaction(async (tx) => {
    const programme = await tx.em.findOne(MobilityProgramme, { id: programmeId });
    if (!programme) throw notFound(PROGRAMME_TYPE, input.programmeId);
    let ruleSet = await tx.em.findOne(
      ProgrammeRuleSet,
      { programme: programmeId, academicYear: input.academicYear, category: input.category },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (ruleSet && input.version !== undefined && input.version !== null && ruleSet.version !== input.version) {
      throw versionConflict('ProgrammeRuleSet', input.version, ruleSet.version);
    }
    if (ruleSet) {
      ruleSet.rules = rules;
      ruleSet.updatedBy = ctx.viewer.subject ?? undefined;
    } else {
      ruleSet = tx.em.create(ProgrammeRuleSet, {
        programme,
        academicYear: input.academicYear,
        category: input.category,
        rules,
        updatedBy: ctx.viewer.subject ?? undefined,
      } as never);
    }
    await tx.em.flush();
    tx.emit({
      type: PROGRAMME_EVENTS.rulesSet,
      aggregateType: PROGRAMME_TYPE,
      aggregateId: programme.id,
      aggregateVersion: programme.version,
      payload: { academicYear: input.academicYear, category: input.category, version: ruleSet.version },
    });
    return ruleSet;
  });
}

/** The GraphQL shape of rules → the stored RuleSet, with the checks class-validator cannot express. */
export function toRuleSet(input: SelectionRules): RuleSet {
  const levels = input.eligibility.minGpa.map((m) => m.level);
  if (new Set(levels).size !== levels.length) throw MobilityErrors.invalidRules('rules.eligibility.minGpa', 'A study level appears twice in minGpa');
  const weights = input.score.components.reduce((sum, c) => sum + c.weight, 0);
  if (Math.abs(weights - 1) > 1e-9) throw MobilityErrors.invalidRules('rules.score.components', `The component weights add up to ${weights}, not 1`);
  const criteria = input.score.components.map((c) => c.criterion);
  if (new Set(criteria).size !== criteria.length) throw MobilityErrors.invalidRules('rules.score.components', 'A component appears twice');
  const table = input.score.gpaTable.map((p) => [p.gpa, p.points] as [number, number]);
  if (criteria.includes('ACADEMIC') && table.length < 2) {
    throw MobilityErrors.invalidRules('rules.score.gpaTable', 'An ACADEMIC component needs a GPA table of at least two points');
  }
  for (let i = 1; i < table.length; i++) {
    if (table[i][0] <= table[i - 1][0] || table[i][1] < table[i - 1][1]) {
      throw MobilityErrors.invalidRules('rules.score.gpaTable', 'The GPA table must ascend: each GPA above the previous, its points not below');
    }
  }
  const facts = input.declarableFacts.map((f) => f.code);
  if (new Set(facts).size !== facts.length) throw MobilityErrors.invalidRules('rules.declarableFacts', 'A fact code appears twice');
  const automatic = input.automatic.map((a) => a.criterion);
  if (new Set(automatic).size !== automatic.length) throw MobilityErrors.invalidRules('rules.automatic', 'An automatic criterion appears twice');
  return {
    eligibility: {
      minGpa: Object.fromEntries(input.eligibility.minGpa.map((m) => [m.level, m.gpa])) as Partial<Record<StudyLevel, number>>,
      maxMonthsPerCycle: input.eligibility.maxMonthsPerCycle ?? null,
      forbidCitizenshipDestination: input.eligibility.forbidCitizenshipDestination,
      minYearOfStudy: input.eligibility.minYearOfStudy ?? null,
    },
    score: { components: input.score.components.map((c) => ({ criterion: c.criterion, weight: c.weight })), gpaTable: table },
    declarableFacts: input.declarableFacts.map((f) => ({
      code: f.code,
      points: f.points,
      label: labelOf(f.label, f.code),
      evidenceRequired: f.evidenceRequired,
    })),
    automatic: input.automatic.map((a) => ({ criterion: a.criterion, points: a.points, label: labelOf(a.label, a.criterion) })),
  };
}

/** The stored RuleSet → its GraphQL shape. */
export function toRulesView(rules: RuleSet): SelectionRules {
  return {
    eligibility: {
      minGpa: Object.entries(rules.eligibility.minGpa).map(([level, gpa]) => ({ level: level as StudyLevel, gpa: gpa! })) as never,
      maxMonthsPerCycle: rules.eligibility.maxMonthsPerCycle,
      forbidCitizenshipDestination: rules.eligibility.forbidCitizenshipDestination,
      minYearOfStudy: rules.eligibility.minYearOfStudy,
    },
    score: { components: rules.score.components, gpaTable: rules.score.gpaTable.map(([gpa, points]) => ({ gpa, points })) },
    declarableFacts: rules.declarableFacts,
    automatic: rules.automatic,
  } as SelectionRules;
}

function labelOf(text: { tr?: string; en?: string }, fallback: string): { tr: string; en: string } {
  return { tr: text.tr ?? text.en ?? fallback, en: text.en ?? text.tr ?? fallback };
}
