import { ArrayMaxSize, IsIn, IsOptional, Length, Matches, Max, Min } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { AgreementKind, MobilityType } from './agreement.entity';

/** What the public website filters the partner list by; every field is public. */
@InputType()
export class PartnerFilter {
  @Field(() => String, { nullable: true, description: 'Any name, spelling, city, code or domain.' })
  @IsOptional()
  @Length(1, 100)
  search?: string;

  @Field(() => [String], { nullable: true, description: 'ISO 3166-1 alpha-2 codes.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @Matches(/^[A-Z]{2}$/, { each: true, message: 'countries must be ISO 3166-1 alpha-2 codes' })
  countries?: string[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  city?: string;

  @Field(() => [AgreementKind], { nullable: true })
  @IsOptional()
  agreementKinds?: AgreementKind[];

  @Field(() => [MobilityType], { nullable: true })
  @IsOptional()
  mobilityTypes?: MobilityType[];

  @Field(() => [String], { nullable: true, description: 'ISCED-F codes or prefixes (06 matches 0613).' })
  @IsOptional()
  @ArrayMaxSize(20)
  @Matches(/^\d{2,4}$/, { each: true, message: 'iscedCodes must be 2 to 4 digits' })
  iscedCodes?: string[];

  @Field(() => [Int], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(4)
  @Min(5, { each: true, message: 'eqfLevels are 5 to 8' })
  @Max(8, { each: true, message: 'eqfLevels are 5 to 8' })
  eqfLevels?: number[];

  @Field(() => [String], { nullable: true, description: 'ISO 639-1 teaching or recommended languages.' })
  @IsOptional()
  @ArrayMaxSize(10)
  @Matches(/^[a-z]{2}$/, { each: true, message: 'languages must be ISO 639-1 codes' })
  languages?: string[];

  @Field(() => String, { nullable: true, description: 'Cooperation covering this academic year (2025/2026).' })
  @IsOptional()
  @Matches(/^\d{4}\/\d{4}$/, { message: 'academic years are written 2025/2026' })
  academicYear?: string;

  @Field(() => Boolean, { nullable: true, description: 'Only partners with (true) or without (false) an agreement in effect.' })
  @IsOptional()
  hasActiveAgreement?: boolean;
}

export const FACET_LIMIT = 300;

@InputType()
export class PartnerFacetOptions {
  @Field(() => Int, { nullable: true, description: `Values per facet (at most ${FACET_LIMIT}).` })
  @IsOptional()
  @Min(1)
  @Max(FACET_LIMIT)
  limit?: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsIn(['count', 'value'])
  sort?: 'count' | 'value';
}
