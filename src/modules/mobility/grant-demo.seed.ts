import type { EntityManager } from '@mikro-orm/postgresql';
import { GrantRateTable } from './grant.entity';
import { checkGrantRates } from './grant.rules';
import { MobilityProgramme, type MobilityProgrammeCode } from './programme.entity';

/** seeds/demo/grant-rates.json: the rate tables of the programmes, each for the call years it applies to. */
export interface GrantRatesSeed {
  tables: { programme: MobilityProgrammeCode; academicYears: string[]; source?: string; rates: unknown }[];
}

/**
 * Adds the rate tables of the seed where a programme has none for the year (what the office set is never overwritten).
 * Every table is checked like setGrantRates checks it; a bad seed stops with the field at fault. Returns how many were added.
 */
export async function seedGrantRates(em: EntityManager, json: GrantRatesSeed | string): Promise<number> {
  const seed = (typeof json === 'string' ? JSON.parse(json) : json) as GrantRatesSeed;
  return em.fork().transactional(async (tx) => {
    const programmes = new Map((await tx.find(MobilityProgramme, {})).map((p) => [p.code, p]));
    const existing = new Set((await tx.find(GrantRateTable, {})).map((t) => `${t.programme.id}|${t.academicYear}`));
    let added = 0;
    seed.tables.forEach((table, i) => {
      const checked = checkGrantRates(table.rates, `tables[${i}].rates`);
      if (!checked.ok) throw new Error(`grant rates seed: ${checked.path}: ${checked.message}`);
      const programme = programmes.get(table.programme);
      if (!programme) throw new Error(`grant rates seed: tables[${i}].programme: no programme ${table.programme}`);
      for (const academicYear of table.academicYears) {
        if (existing.has(`${programme.id}|${academicYear}`)) continue;
        tx.create(GrantRateTable, { programme, academicYear, rates: checked.rates, source: table.source } as never);
        existing.add(`${programme.id}|${academicYear}`);
        added++;
      }
    });
    await tx.flush();
    return added;
  });
}
