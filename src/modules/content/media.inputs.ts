import { ArrayMaxSize, IsOptional, Length, Matches, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { LocalisedText } from '../../platform/graphql/localised-text';

@InputType({ description: 'Narrows the office’s media list; criteria combine with AND.' })
export class MediaAssetFilter {
  @Field(() => [String], { nullable: true, description: 'Content types, exact (`image/png`) or a whole family (`image/*`).' })
  @IsOptional()
  @ArrayMaxSize(20)
  @Matches(/^[a-z0-9.+-]+\/([a-z0-9.+-]+|\*)$/, { each: true, message: 'each content type must look like image/png or image/*' })
  contentTypes?: string[];

  @Field(() => String, { nullable: true, description: 'Part of the file name, case-insensitive.' })
  @IsOptional()
  @Length(1, 200)
  search?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: only published (public) assets; false: only private ones.' })
  @IsOptional()
  published?: boolean;
}

@InputType({ description: 'Fields left out stay as they are.' })
export class UpdateMediaAssetInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: 'The version you read; a newer one on the server means someone else changed it.' })
  @Min(1)
  version!: number;

  @Field(() => LocalisedText, {
    nullable: true,
    description: 'Alternative text for images; replaces the stored texts (a language left out has none); null clears them.',
  })
  @IsOptional()
  @ValidateNested()
  alt?: LocalisedText | null;

  @Field(() => String, {
    nullable: true,
    description: 'A new file name; it is cleaned and keeps the extension of the file’s type. The URL changes with it.',
  })
  @IsOptional()
  @Length(1, 255)
  filename?: string;
}
