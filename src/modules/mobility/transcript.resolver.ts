import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context';
import { registerNodeType } from '../../platform/graphql/node';
import { toGlobalId } from '../../platform/graphql/relay';
import { Institution } from '../institutions/institution.entity';
import { institutionById } from '../institutions/institution.loaders';
import { MobilityApplication } from './application.entity';
import { GradeConversionTable, TranscriptEntry } from './transcript.entity';
import { GradeMappingType, GradeShareType, RecordTranscriptInput, SetGradeConversionTableInput } from './transcript.inputs';
import {
  conversionTableById,
  getGradeConversionTable,
  GRADE_TABLE_TYPE,
  listGradeConversionTables,
  recordTranscript,
  setGradeConversionTable,
  transcriptByApplication,
} from './transcript.service';
import { OFFICE_ROLES } from '../../platform/auth/viewer';


@Resolver(() => MobilityApplication)
export class TranscriptResolver {
  @Authorized(...OFFICE_ROLES)
  @Mutation(() => GradeConversionTable, {
    description: 'Creates or replaces a grade conversion table (office): EGRACONS distributions of both scales and/or a direct mapping.',
  })
  setGradeConversionTable(@Arg('input') input: SetGradeConversionTableInput, @Ctx() ctx: RequestContext): Promise<GradeConversionTable> {
    return setGradeConversionTable(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Query(() => [GradeConversionTable], { description: 'Grade conversion tables (office), by name; partnerId: that partner’s only.' })
  gradeConversionTables(@Ctx() ctx: RequestContext, @Arg('partnerId', () => ID, { nullable: true }) partnerId?: string): Promise<GradeConversionTable[]> {
    return listGradeConversionTables(ctx, partnerId);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => MobilityApplication, { description: 'The host’s transcript of records (office): replaces the lines, converts the grades.' })
  recordTranscript(@Arg('input') input: RecordTranscriptInput, @Ctx() ctx: RequestContext): Promise<MobilityApplication> {
    return recordTranscript(ctx, input);
  }

  @FieldResolver(() => [TranscriptEntry], { description: 'The host’s transcript of records with the grades on the home scale.' })
  transcript(@Root() application: MobilityApplication, @Ctx() ctx: RequestContext): Promise<TranscriptEntry[]> {
    return ctx.loader(transcriptByApplication).load(application.id);
  }
}

@Resolver(() => GradeConversionTable)
export class GradeConversionTableResolver {
  @FieldResolver(() => ID)
  id(@Root() table: GradeConversionTable): string {
    return toGlobalId(GRADE_TABLE_TYPE, table.id);
  }

  @FieldResolver(() => Institution, { nullable: true, description: 'Null: every partner.' })
  partner(@Root() table: GradeConversionTable, @Ctx() ctx: RequestContext): Promise<Institution | null> | null {
    return table.partner ? ctx.loader(institutionById).load(table.partner.id) : null;
  }

  @FieldResolver(() => [GradeShareType], { description: 'The host’s passing grades, best first, with their shares.' })
  hostScale(@Root() table: GradeConversionTable): GradeShareType[] {
    return table.hostScale;
  }

  @FieldResolver(() => [GradeShareType], { description: 'The home passing grades, best first, with their shares.' })
  homeScale(@Root() table: GradeConversionTable): GradeShareType[] {
    return table.homeScale;
  }

  @FieldResolver(() => [GradeMappingType], { description: 'Direct conversions; they win over the distributions.' })
  mapping(@Root() table: GradeConversionTable): GradeMappingType[] {
    return Object.entries(table.mapping ?? {}).map(([hostGrade, homeGrade]) => ({ hostGrade, homeGrade }));
  }
}

@Resolver(() => TranscriptEntry)
export class TranscriptEntryResolver {
  @FieldResolver(() => String, { nullable: true, description: 'The Table A component of the learning agreement, when known.' })
  componentId(@Root() entry: TranscriptEntry): string | null {
    return entry.componentId ?? null;
  }

  @FieldResolver(() => GradeConversionTable, { nullable: true, description: 'The table that converted the grade (null for a failed course).' })
  conversionTable(@Root() entry: TranscriptEntry, @Ctx() ctx: RequestContext): Promise<GradeConversionTable | null> | null {
    return entry.conversionTable ? ctx.loader(conversionTableById).load(entry.conversionTable.id) : null;
  }
}

export const transcriptResolvers: Function[] = [TranscriptResolver, GradeConversionTableResolver, TranscriptEntryResolver];

// Conversion tables are the office's: node(id) answers null for anyone else.
registerNodeType(GRADE_TABLE_TYPE, (ctx, id) => getGradeConversionTable(ctx, id));
