/**
 * The rules of learning agreements, pure (no database): checking components, applying a change proposal to the
 * component list in force, ECTS totals per table and term, and the warnings the office sees (never blocks).
 */
import { LaChangeReason as R, LaTable, type LaChangeRow, type LaComponentRow } from './learning-agreement.entity';
import { LaErrors } from './learning-agreement.errors';

/** EWP: these reasons are only for deleted components… */
export const DELETE_REASONS: readonly R[] = [R.NOT_AVAILABLE, R.LANGUAGE_MISMATCH, R.TIMETABLE_CONFLICT, R.OTHER];
/** …and these only for inserted ones. OTHER is ours: EWP then carries no reason-code, only the reason-text. */
export const INSERT_REASONS: readonly R[] = [R.SUBSTITUTING_DELETED, R.EXTENDING_MOBILITY, R.ADDING_VIRTUAL_COMPONENT, R.OTHER];

/** Student studies: 60 ECTS for a full academic year, so 30 per semester, pro rata for other terms. */
export const ECTS_PER_YEAR = 60;
/** Without terms, the planned months decide: a 10-month academic year of 60 ECTS is 6 ECTS a month. */
export const ECTS_PER_MONTH = 6;

export interface ComponentInsert extends LaComponentRow {
  reason: R;
  reasonText?: string | null;
}

export interface ComponentDelete {
  componentId: string;
  reason: R;
  reasonText?: string | null;
}

/** A component's own consistency; `field` is the input path reported with an error. */
export function checkComponent(c: Omit<LaComponentRow, 'id'>, field: string): void {
  if (!c.title?.trim()) throw LaErrors.titleRequired(`${field}.title`);
  if (c.homeCourseId && c.table !== LaTable.B) throw LaErrors.homeCourseOnlyTableB(`${field}.homeCourseId`);
  const hasTerm = c.termNumber != null && c.totalTerms != null;
  // EWP requires term-id in components-studied and components-recognized, and a short description of virtual ones.
  if ((c.termNumber == null) !== (c.totalTerms == null)) throw LaErrors.termRequired(`${field}.${c.termNumber == null ? 'termNumber' : 'totalTerms'}`);
  if (c.table !== LaTable.C && !hasTerm) throw LaErrors.termRequired(`${field}.termNumber`);
  if (hasTerm && (c.termNumber! < 1 || c.termNumber! > c.totalTerms!)) throw LaErrors.invalidTerm(`${field}.termNumber`);
  if (c.table === LaTable.C && !c.note?.trim()) throw LaErrors.descriptionRequired(`${field}.note`);
}

function checkReason(reason: R, reasonText: string | null | undefined, allowed: readonly R[], field: string): void {
  if (!allowed.includes(reason)) throw LaErrors.invalidReason(`${field}.reason`, reason, allowed);
  if (reason === R.OTHER && !reasonText?.trim()) throw LaErrors.reasonTextRequired(`${field}.reasonText`);
}

/**
 * Applies a change to the list in force: deletions by component id, insertions appended (they arrive with fresh ids).
 * Returns the full list in force once the change is approved, and the change rows (what EWP's A2/B2/C2 tables show).
 */
export function applyChange(
  base: readonly LaComponentRow[],
  insert: readonly ComponentInsert[],
  remove: readonly ComponentDelete[],
): { components: LaComponentRow[]; changes: LaChangeRow[] } {
  if (insert.length === 0 && remove.length === 0) throw LaErrors.emptyChange();
  const byId = new Map(base.map((c) => [c.id, c]));
  const deleted = new Set<string>();
  const changes: LaChangeRow[] = [];
  remove.forEach((d, i) => {
    const field = `delete.${i}`;
    const component = byId.get(d.componentId);
    if (!component) throw LaErrors.unknownComponent(`${field}.componentId`, d.componentId);
    if (deleted.has(d.componentId)) throw LaErrors.duplicateComponent(`${field}.componentId`);
    checkReason(d.reason, d.reasonText, DELETE_REASONS, field);
    deleted.add(d.componentId);
    changes.push({ action: 'DELETED', componentId: d.componentId, table: component.table, reason: d.reason, reasonText: d.reasonText?.trim() || null });
  });
  const inserted: LaComponentRow[] = insert.map((c, i) => {
    const field = `insert.${i}`;
    checkReason(c.reason, c.reasonText, INSERT_REASONS, field);
    // "Adding a virtual component" only makes sense for Table C.
    if (c.reason === R.ADDING_VIRTUAL_COMPONENT && c.table !== LaTable.C) throw LaErrors.invalidReason(`${field}.reason`, c.reason, INSERT_REASONS.filter((r) => r !== R.ADDING_VIRTUAL_COMPONENT));
    checkComponent(c, field);
    const { reason, reasonText, ...component } = c;
    changes.push({ action: 'INSERTED', componentId: c.id, table: c.table, reason, reasonText: reasonText?.trim() || null });
    return component;
  });
  return { components: [...base.filter((c) => !deleted.has(c.id)), ...inserted], changes };
}

/** One change against the first version, as EWP's approved-changes and changes-proposal list them. */
export interface NetChange {
  action: 'INSERTED' | 'DELETED';
  component: LaComponentRow;
  reason: R | null;
  reasonText: string | null;
}

/**
 * EWP lists changes against the first version, not against the previous change: a component inserted by one change and
 * deleted by a later one no longer appears. `history` holds the change rows of the versions that led to `current`
 * (each component id is inserted at most once and deleted at most once along that chain).
 */
export function changesSinceFirstVersion(first: readonly LaComponentRow[], current: readonly LaComponentRow[], history: readonly LaChangeRow[]): NetChange[] {
  const firstIds = new Set(first.map((c) => c.id));
  const currentIds = new Set(current.map((c) => c.id));
  const why = (action: NetChange['action'], id: string) => {
    const row = [...history].reverse().find((h) => h.action === action && h.componentId === id);
    return { reason: row?.reason ?? null, reasonText: row?.reasonText ?? null };
  };
  return [
    ...current.filter((c) => !firstIds.has(c.id)).map((component) => ({ action: 'INSERTED' as const, component, ...why('INSERTED', component.id) })),
    ...first.filter((c) => !currentIds.has(c.id)).map((component) => ({ action: 'DELETED' as const, component, ...why('DELETED', component.id) })),
  ];
}

export interface TermCredits {
  termNumber: number | null;
  totalTerms: number | null;
  ects: number;
}

export interface TableCredits {
  table: LaTable;
  ects: number;
  byTerm: TermCredits[];
}

/** Sums kept to one decimal: ECTS come in halves (7.5) and float sums would show 29.999999. */
const round1 = (n: number) => Math.round(n * 10) / 10;

/** ECTS per table (A, B, C, always all three) and, within each, per term (components without a term last). */
export function creditTotals(components: readonly LaComponentRow[]): TableCredits[] {
  return [LaTable.A, LaTable.B, LaTable.C].map((table) => {
    const rows = components.filter((c) => c.table === table);
    const terms = new Map<string, TermCredits>();
    for (const c of rows) {
      const key = `${c.totalTerms ?? ''}|${c.termNumber ?? ''}`;
      const t = terms.get(key) ?? { termNumber: c.termNumber ?? null, totalTerms: c.totalTerms ?? null, ects: 0 };
      t.ects = round1(t.ects + Number(c.ects));
      terms.set(key, t);
    }
    const byTerm = [...terms.values()].sort(
      (a, b) => (a.termNumber === null ? 1 : 0) - (b.termNumber === null ? 1 : 0) || (a.totalTerms ?? 0) - (b.totalTerms ?? 0) || (a.termNumber ?? 0) - (b.termNumber ?? 0),
    );
    return { table, ects: round1(rows.reduce((s, c) => s + Number(c.ects), 0)), byTerm };
  });
}

export interface LaWarning {
  code: 'ECTS_BELOW_EXPECTATION' | 'TABLE_B_DIFFERS_FROM_A';
  message: string;
}

export interface MobilityFacts {
  /** SMS, SMT, ...: only study mobilities (SMS) have an ECTS expectation. */
  mobilityType: string;
  plannedMonths?: number | null;
}

/**
 * What the office should look at before signing; never a reason to refuse. For study mobilities: Table A below 30 ECTS
 * in a semester (60 per year, pro rata: 20 in a trimester), or, when no component names a term, below 6 ECTS per
 * planned month; and Table B (recognised at home) not adding up to Table A.
 */
export function laWarnings(components: readonly LaComponentRow[], facts: MobilityFacts): LaWarning[] {
  const warnings: LaWarning[] = [];
  const [a, b] = creditTotals(components);
  if (facts.mobilityType === 'SMS') {
    const terms = a.byTerm.filter((t) => t.termNumber !== null && t.totalTerms);
    if (terms.length) {
      for (const t of terms) {
        const expected = round1(ECTS_PER_YEAR / t.totalTerms!);
        if (t.ects < expected) {
          warnings.push({
            code: 'ECTS_BELOW_EXPECTATION',
            message: `Table A has ${t.ects} ECTS in term ${t.termNumber} of ${t.totalTerms}; ${expected} are expected (${ECTS_PER_YEAR} per academic year)`,
          });
        }
      }
    } else if (facts.plannedMonths) {
      const expected = round1(ECTS_PER_MONTH * facts.plannedMonths);
      if (a.ects < expected) {
        warnings.push({
          code: 'ECTS_BELOW_EXPECTATION',
          message: `Table A has ${a.ects} ECTS; ${expected} are expected for ${facts.plannedMonths} months (${ECTS_PER_MONTH} per month)`,
        });
      }
    }
  }
  if (a.ects !== b.ects) {
    warnings.push({ code: 'TABLE_B_DIFFERS_FROM_A', message: `Table B recognises ${b.ects} ECTS at home for ${a.ects} ECTS studied in Table A` });
  }
  return warnings;
}
