import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription, registerEnumType } from 'type-graphql';
import type { DeliveredEvent } from '../../platform/events/outbox';
import type { RequestContext } from '../../platform/graphql/context';
import { LocaleCode, LocalisedText, pickLocale } from '../../platform/graphql/localised-text';
import { ConnectionArgs, ConnectionType, toGlobalId, type ConnectionShape } from '../../platform/graphql/relay';
import { Institution } from './institution.entity';
import { institutionById, unitById, unitsByParent } from './institution.loaders';
import { OrganisationalUnit } from './organisational-unit.entity';
import { AddOrganisationalUnitInput, UnitFilter, UnitOrder, UpdateOrganisationalUnitInput } from './organisational-unit.inputs';
import {
  addUnit,
  getUnit,
  listUnits,
  readInternalNote,
  followUnitChanges,
  removeUnit,
  UNIT_TYPE,
  unitChangeView,
  updateUnit,
  type UnitChangeKind,
} from './organisational-unit.service';

const OrganisationalUnitConnection = ConnectionType(OrganisationalUnit, 'OrganisationalUnit');

enum UnitChange {
  ADDED = 'ADDED',
  UPDATED = 'UPDATED',
  REMOVED = 'REMOVED',
}
registerEnumType(UnitChange, { name: 'UnitChange' });

@ObjectType({ description: 'A change to an organisational unit, as dashboards receive it.' })
class OrganisationalUnitChanged {
  @Field(() => UnitChange)
  change!: UnitChange;

  @Field(() => ID)
  unitId!: string;

  @Field(() => OrganisationalUnit, { nullable: true, description: 'The unit as it is now; null once removed.' })
  unit!: OrganisationalUnit | null;

  @Field(() => Int, { nullable: true })
  version!: number | null;

  @Field(() => String, { nullable: true, description: 'Subject of whoever made the change (office roles only).' })
  actor!: string | null;

  @Field()
  occurredAt!: Date;
}

@Resolver(() => OrganisationalUnit)
export class OrganisationalUnitResolver {
  @Query(() => OrganisationalUnitConnection, { description: "The home institution's units (public)." })
  organisationalUnits(
    @Ctx() ctx: RequestContext,
    @Args() page: ConnectionArgs,
    @Arg('filter', () => UnitFilter, { nullable: true }) filter?: UnitFilter,
    @Arg('orderBy', () => UnitOrder, { nullable: true }) orderBy?: UnitOrder,
  ): Promise<ConnectionShape<OrganisationalUnit>> {
    return listUnits(ctx, filter, orderBy, page);
  }

  @Query(() => OrganisationalUnit, { nullable: true })
  organisationalUnit(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit | null> {
    return getUnit(ctx, id);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => OrganisationalUnit, { description: 'Office: add a faculty, department, institute or office.' })
  addOrganisationalUnit(@Arg('input') input: AddOrganisationalUnitInput, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit> {
    return addUnit(ctx, input);
  }

  @Authorized('STAFF', 'ADMIN', 'COORDINATOR')
  @Mutation(() => OrganisationalUnit, {
    description: 'Office: any change. Coordinators: contact details, name and note of the units they coordinate.',
  })
  updateOrganisationalUnit(@Arg('input') input: UpdateOrganisationalUnitInput, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit> {
    return updateUnit(ctx, input);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => ID, { description: 'Office: remove a unit that has no sub-units. Returns its ID.' })
  removeOrganisationalUnit(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    return removeUnit(ctx, id, version);
  }

  @Authorized('STAFF', 'ADMIN', 'COORDINATOR')
  @Subscription(() => OrganisationalUnitChanged, {
    description: 'Units added, updated or removed. Coordinators receive changes within their units only.',
    subscribe: ({ context, args }) => followUnitChanges(context as RequestContext, args.changes as UnitChangeKind[] | undefined),
  })
  organisationalUnitChanged(
    @Root() event: DeliveredEvent,
    @Ctx() ctx: RequestContext,
    @Arg('changes', () => [UnitChange], { nullable: true, description: 'Only these kinds of change (default: all).' })
    _changes?: UnitChange[],
  ): Promise<OrganisationalUnitChanged> {
    return unitChangeView(ctx, event) as Promise<OrganisationalUnitChanged>;
  }

  @FieldResolver(() => ID)
  id(@Root() unit: OrganisationalUnit): string {
    return toGlobalId(UNIT_TYPE, unit.id);
  }

  @FieldResolver(() => String, { description: 'The name in the requested locale (Accept-Language otherwise), with fallback.' })
  name(
    @Root() unit: OrganisationalUnit,
    @Ctx() ctx: RequestContext,
    @Arg('locale', () => LocaleCode, { nullable: true }) locale?: LocaleCode,
  ): string {
    return pickLocale(unit.name, locale ?? ctx.locale, ctx.config.defaultLocale);
  }

  @FieldResolver(() => LocalisedText)
  nameTranslations(@Root() unit: OrganisationalUnit): LocalisedText {
    return unit.name;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Office-internal note: the office and coordinators of this unit (or a unit above it) only.',
  })
  internalNote(@Root() unit: OrganisationalUnit, @Ctx() ctx: RequestContext): Promise<string | null> {
    return readInternalNote(ctx, unit);
  }

  @FieldResolver(() => OrganisationalUnit, { nullable: true })
  parent(@Root() unit: OrganisationalUnit, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit | null> | null {
    return unit.parent ? ctx.loader(unitById).load(unit.parent.id) : null;
  }

  // A faculty has a handful of departments: each costs about ten times what one sub-unit's selection costs.
  @FieldResolver(() => [OrganisationalUnit], { description: 'Direct sub-units, by code.', complexity: ({ childComplexity }) => 1 + 10 * childComplexity })
  children(@Root() unit: OrganisationalUnit, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit[]> {
    return ctx.loader(unitsByParent).load(unit.id);
  }

  @FieldResolver(() => Institution)
  async institution(@Root() unit: OrganisationalUnit, @Ctx() ctx: RequestContext): Promise<Institution> {
    return (await ctx.loader(institutionById).load(unit.institution.id))!;
  }
}
