import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root, registerEnumType } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context';
import { ConnectionArgs, ConnectionType, fromGlobalId, toGlobalId, type ConnectionShape } from '../../platform/graphql/relay';
import { Institution } from '../institutions/institution.entity';
import { institutionById } from '../institutions/institution.loaders';
import { AssociationMembership, MembershipCorrespondence } from './membership.entity';
import {
  AddAssociationMembershipInput,
  AssociationMembershipFilter,
  MembershipCorrespondenceInput,
  UpdateAssociationMembershipInput,
} from './membership.inputs';
import { membershipById } from './membership.loaders';
import {
  addMembership,
  correspondenceOf,
  getMembership,
  listMemberships,
  logCorrespondence,
  MEMBERSHIP_TYPE,
  membershipReminders,
  updateMembership,
  type MembershipReminderView,
} from './membership.service';
import { OFFICE_ROLES } from '../../platform/auth/viewer';


const AssociationMembershipConnection = ConnectionType(AssociationMembership, 'AssociationMembership');
const MembershipCorrespondenceConnection = ConnectionType(MembershipCorrespondence, 'MembershipCorrespondence');

enum MembershipReminderReason {
  RENEWAL = 'RENEWAL',
  INFO_UPDATE = 'INFO_UPDATE',
}
registerEnumType(MembershipReminderReason, {
  name: 'MembershipReminderReason',
  valuesConfig: {
    RENEWAL: { description: 'The renewal date is near or past.' },
    INFO_UPDATE: { description: 'The association expects our information updated.' },
  },
});

@ObjectType({ description: 'A membership needing attention: its renewal or information update is near or overdue.' })
class MembershipReminder {
  @Field(() => AssociationMembership)
  membership!: AssociationMembership;

  @Field({ description: 'The earliest date that made it due (YYYY-MM-DD).' })
  dueOn!: string;

  @Field(() => Int, { description: 'Days from today (UTC) to dueOn; negative when overdue.' })
  daysLeft!: number;

  @Field()
  overdue!: boolean;

  @Field(() => [MembershipReminderReason], { description: 'Why, the earliest due first.' })
  reasons!: MembershipReminderReason[];
}

@Resolver(() => AssociationMembership)
export class AssociationMembershipResolver {
  @Authorized(...OFFICE_ROLES)
  @Query(() => AssociationMembershipConnection, { description: "Office: the university's memberships of associations and networks." })
  associationMemberships(
    @Ctx() ctx: RequestContext,
    @Args() page: ConnectionArgs,
    @Arg('filter', () => AssociationMembershipFilter, { nullable: true }) filter?: AssociationMembershipFilter,
  ): Promise<ConnectionShape<AssociationMembership>> {
    return listMemberships(ctx, filter, page);
  }

  @Authorized(...OFFICE_ROLES)
  @Query(() => AssociationMembership, { nullable: true })
  associationMembership(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<AssociationMembership | null> {
    return getMembership(ctx, fromGlobalId(id, MEMBERSHIP_TYPE));
  }

  @Authorized(...OFFICE_ROLES)
  @Query(() => [MembershipReminder], {
    description: 'Office: applied and active memberships whose renewal or information update is due within `withinDays` days or overdue, soonest first.',
  })
  membershipReminders(
    @Ctx() ctx: RequestContext,
    @Arg('withinDays', () => Int, { defaultValue: 30 }) withinDays: number,
  ): Promise<MembershipReminderView[]> {
    return membershipReminders(ctx, withinDays);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => AssociationMembership, {
    description: 'Office: record a membership of an association of the directory (associationId) or of a new one (association).',
  })
  addAssociationMembership(@Arg('input') input: AddAssociationMembershipInput, @Ctx() ctx: RequestContext): Promise<AssociationMembership> {
    return addMembership(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => AssociationMembership, { description: 'Office: change status, fee, dates, contact or notes.' })
  updateAssociationMembership(
    @Arg('input') input: UpdateAssociationMembershipInput,
    @Ctx() ctx: RequestContext,
  ): Promise<AssociationMembership> {
    return updateMembership(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => MembershipCorrespondence, { description: 'Office: add a letter or e-mail to a membership’s correspondence log.' })
  logMembershipCorrespondence(
    @Arg('membershipId', () => ID) membershipId: string,
    @Arg('input') input: MembershipCorrespondenceInput,
    @Ctx() ctx: RequestContext,
  ): Promise<MembershipCorrespondence> {
    return logCorrespondence(ctx, membershipId, input);
  }

  @FieldResolver(() => ID)
  id(@Root() membership: AssociationMembership): string {
    return toGlobalId(MEMBERSHIP_TYPE, membership.id);
  }

  @FieldResolver(() => Institution, { description: 'The association or network (an institution of kind ASSOCIATION).' })
  async association(@Root() membership: AssociationMembership, @Ctx() ctx: RequestContext): Promise<Institution> {
    return (await ctx.loader(institutionById).load(membership.association.id))!;
  }

  @FieldResolver(() => MembershipCorrespondenceConnection, { description: 'The correspondence log, newest first.' })
  correspondence(
    @Root() membership: AssociationMembership,
    @Ctx() ctx: RequestContext,
    @Args() page: ConnectionArgs,
  ): Promise<ConnectionShape<MembershipCorrespondence>> {
    return correspondenceOf(ctx, membership, page);
  }
}

@Resolver(() => MembershipCorrespondence)
export class MembershipCorrespondenceResolver {
  @FieldResolver(() => AssociationMembership)
  async membership(@Root() entry: MembershipCorrespondence, @Ctx() ctx: RequestContext): Promise<AssociationMembership> {
    return (await ctx.loader(membershipById).load(entry.membership.id))!;
  }
}
