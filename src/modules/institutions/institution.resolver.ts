import { Arg, Args, Authorized, Ctx, Field, FieldResolver, Float, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context';
import { LocaleCode, LocalisedText, pickLocale } from '../../platform/graphql/localised-text';
import { ConnectionArgs, ConnectionType, fromGlobalId, toGlobalId, type ConnectionShape } from '../../platform/graphql/relay';
import { ContactPerson } from './contact-person.entity';
import { Institution } from './institution.entity';
import {
  ContactPersonInput,
  CreateInstitutionInput,
  InstitutionFilter,
  InstitutionOrder,
  UpdateHomeInstitutionInput,
  UpdateInstitutionInput,
} from './institution.inputs';
import { unitById } from './institution.loaders';
import {
  addContactPerson,
  CONTACT_TYPE,
  contactsOf,
  createInstitution,
  duplicateCandidates,
  getInstitution,
  homeInstitution,
  INSTITUTION_TYPE,
  listInstitutions,
  lookupInstitution,
  mergeInstitutions,
  removeContactPerson,
  topLevelUnits,
  updateContactPerson,
  updateHomeInstitution,
  updateInstitution,
} from './institution.service';
import { OrganisationalUnit } from './organisational-unit.entity';

const InstitutionConnection = ConnectionType(Institution, 'Institution');

@ObjectType({ description: 'Two institutions of the directory that may be the same one.' })
class InstitutionDuplicateCandidate {
  @Field(() => Institution)
  first!: Institution;

  @Field(() => Institution)
  second!: Institution;

  @Field(() => Float, { description: 'Trigram similarity of their names and identifiers, 0 to 1.' })
  similarity!: number;

  @Field(() => [String], { description: 'Web or e-mail domains both have.' })
  sharedDomains!: string[];
}

@Resolver(() => Institution)
export class InstitutionResolver {
  @Query(() => Institution, { description: 'The university this hub belongs to.' })
  homeInstitution(@Ctx() ctx: RequestContext): Promise<Institution> {
    return homeInstitution(ctx);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => Institution, { description: 'Office: correct the home institution record.' })
  updateHomeInstitution(@Arg('input') input: UpdateHomeInstitutionInput, @Ctx() ctx: RequestContext): Promise<Institution> {
    return updateHomeInstitution(ctx, input);
  }

  @Authorized('STAFF', 'ADMIN')
  @Query(() => InstitutionConnection, { description: 'Office: the whole directory, partner or not.' })
  institutions(
    @Ctx() ctx: RequestContext,
    @Args() page: ConnectionArgs,
    @Arg('filter', () => InstitutionFilter, { nullable: true }) filter?: InstitutionFilter,
    @Arg('orderBy', () => InstitutionOrder, { nullable: true }) orderBy?: InstitutionOrder,
  ): Promise<ConnectionShape<Institution>> {
    return listInstitutions(ctx, filter, orderBy, page);
  }

  @Query(() => Institution, { nullable: true, description: 'One institution of the directory (public fields for everyone).' })
  institution(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Institution | null> {
    return getInstitution(ctx, fromGlobalId(id, INSTITUTION_TYPE));
  }

  @Authorized('STAFF', 'ADMIN')
  @Query(() => Institution, {
    nullable: true,
    description: 'Office: find an institution by Erasmus code (any spelling), SCHAC code, PIC, OID or web domain.',
  })
  institutionByIdentifier(@Arg('identifier') identifier: string, @Ctx() ctx: RequestContext): Promise<Institution | null> {
    return lookupInstitution(ctx, identifier);
  }

  @Authorized('STAFF', 'ADMIN')
  @Query(() => [InstitutionDuplicateCandidate], {
    description: 'Office: pairs in one country that look like the same institution (shared domain first, then similar names).',
    complexity: 50,
  })
  institutionDuplicateCandidates(
    @Ctx() ctx: RequestContext,
    @Arg('country', () => String, { nullable: true, description: 'ISO code; all countries when left out (slower).' }) country?: string,
    @Arg('first', () => Int, { defaultValue: 20 }) first = 20,
  ): Promise<InstitutionDuplicateCandidate[]> {
    return duplicateCandidates(ctx, country?.toUpperCase(), Math.min(Math.max(first, 1), 100));
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => Institution, {
    description: 'Office: merge a duplicate into the institution to keep (agreements, contacts and units move over; the duplicate is removed).',
  })
  mergeInstitutions(
    @Arg('keepId', () => ID) keepId: string,
    @Arg('duplicateId', () => ID) duplicateId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Institution> {
    return mergeInstitutions(ctx, keepId, duplicateId);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => Institution, { description: 'Office: add an institution to the directory.' })
  createInstitution(@Arg('input') input: CreateInstitutionInput, @Ctx() ctx: RequestContext): Promise<Institution> {
    return createInstitution(ctx, input);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => Institution, { description: 'Office: correct an institution of the directory.' })
  updateInstitution(@Arg('input') input: UpdateInstitutionInput, @Ctx() ctx: RequestContext): Promise<Institution> {
    return updateInstitution(ctx, input);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => ContactPerson, { description: 'Office: add a contact person to an institution (or one of its units).' })
  addContactPerson(@Arg('input') input: ContactPersonInput, @Ctx() ctx: RequestContext): Promise<ContactPerson> {
    return addContactPerson(ctx, input);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => ContactPerson)
  updateContactPerson(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input') input: ContactPersonInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ContactPerson> {
    return updateContactPerson(ctx, id, version, input);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => ID)
  removeContactPerson(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<string> {
    return removeContactPerson(ctx, id);
  }

  @FieldResolver(() => [ContactPerson], { description: 'Contacts; staff-only ones are visible to the office only.' })
  contacts(@Root() institution: Institution, @Ctx() ctx: RequestContext): Promise<ContactPerson[]> {
    return contactsOf(ctx, institution);
  }

  @Authorized('STAFF', 'ADMIN')
  @FieldResolver(() => String, { nullable: true, description: 'Office-internal note.' })
  internalNote(@Root() institution: Institution): string | null {
    return institution.internalNote ?? null;
  }

  @FieldResolver(() => ID)
  id(@Root() institution: Institution): string {
    return toGlobalId(INSTITUTION_TYPE, institution.id);
  }

  @FieldResolver(() => String, { description: 'The name in the requested locale (Accept-Language otherwise), with fallback.' })
  name(
    @Root() institution: Institution,
    @Ctx() ctx: RequestContext,
    @Arg('locale', () => LocaleCode, { nullable: true }) locale?: LocaleCode,
  ): string {
    return pickLocale(institution.name, locale ?? ctx.locale, ctx.config.defaultLocale) || institution.officialName;
  }

  @FieldResolver(() => LocalisedText)
  nameTranslations(@Root() institution: Institution): LocalisedText {
    return institution.name;
  }

  @FieldResolver(() => [OrganisationalUnit], {
    description: 'Top-level units (faculties, institutes, schools, offices).',
    complexity: ({ childComplexity }) => 1 + 20 * childComplexity,
  })
  topLevelUnits(@Root() institution: Institution, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit[]> {
    return topLevelUnits(ctx, institution);
  }
}

@Resolver(() => ContactPerson)
export class ContactPersonResolver {
  @FieldResolver(() => ID)
  id(@Root() contact: ContactPerson): string {
    return toGlobalId(CONTACT_TYPE, contact.id);
  }

  @FieldResolver(() => OrganisationalUnit, { nullable: true })
  unit(@Root() contact: ContactPerson, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit | null> | null {
    return contact.unit ? ctx.loader(unitById).load(contact.unit.id) : null;
  }
}
