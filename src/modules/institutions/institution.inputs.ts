import { IsOptional, IsUrl, Length, Matches, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { LocalisedText } from '../../platform/graphql/localised-text';

@InputType({ description: 'Fields left out stay as they are; null clears an optional field.' })
export class UpdateHomeInstitutionInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  @Min(1)
  version!: number;

  @Field(() => LocalisedText, { nullable: true })
  @IsOptional()
  @ValidateNested()
  name?: LocalisedText;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 20)
  abbreviation?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  city?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] }, { message: 'website must be an http(s) URL' })
  website?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^[a-z0-9.-]+\.[a-z]{2,}$/, { message: 'schacCode must be a lower-case domain (e.g. ankara.edu.tr)' })
  schacCode?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^([A-Z] {2}|[A-Z]{2} |[A-Z]{3})[A-Z-]{1,8}[0-9]{2}$/, {
    message: 'erasmusCode must be canonical: country prefix padded to 3 characters, city, 2 digits (e.g. "TR ANKARA01")',
  })
  erasmusCode?: string | null;
}
