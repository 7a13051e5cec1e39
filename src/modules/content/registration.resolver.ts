import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context';
import { registerNodeType } from '../../platform/graphql/node';
import { ConnectionArgs, ConnectionType, toGlobalId, type ConnectionShape } from '../../platform/graphql/relay';
import { ContentEvent } from './content.entity';
import { EventRegistration, RegistrationStatus } from './event-registration.entity';
import { RegisterForEventInput } from './registration.inputs';
import { isRegistrationOpen, placesLeft } from './registration.rules';
import { contentById } from './content.loaders';
import {
  cancelRegistrationAsOffice,
  cancelRegistrationByToken,
  getRegistration,
  listRegistrations,
  REGISTRATION_TYPE,
  registerForEvent,
  registrationCountsOf,
  registrationsCsv,
  waitlistPositionOf,
  type CancellationView,
  type RegistrationReceiptView,
} from './registration.service';
import { OFFICE_ROLES } from '../../platform/auth/viewer';


const EventRegistrationConnection = ConnectionType(EventRegistration, 'EventRegistration');

@ObjectType({ description: 'One answer to an event’s registration question.' })
export class RegistrationAnswer {
  @Field()
  key!: string;

  @Field({ description: 'The text, the chosen option, or "true"/"false".' })
  value!: string;
}

@ObjectType({ description: 'What a participant receives when registering: their status and the token that cancels the registration.' })
export class EventRegistrationReceipt {
  @Field(() => RegistrationStatus, { description: 'REGISTERED (has a place) or WAITLISTED.' })
  status!: RegistrationStatus;

  @Field(() => Int, { nullable: true, description: 'Place on the waiting list (1 = next to move up); null when registered.' })
  position!: number | null;

  @Field({
    description: 'Cancels the registration (cancelEventRegistration); shown only now, the hub keeps only its hash. Put it in the confirmation link.',
  })
  cancellationToken!: string;

  @Field(() => ContentEvent)
  event!: ContentEvent;
}

@ObjectType({ description: 'A cancelled registration, as its participant sees it.' })
export class EventRegistrationCancellation {
  @Field(() => RegistrationStatus)
  status!: RegistrationStatus;

  @Field()
  cancelledAt!: Date;

  @Field(() => ContentEvent)
  event!: ContentEvent;
}

@Resolver(() => EventRegistration)
export class EventRegistrationResolver {
  @Mutation(() => EventRegistrationReceipt, {
    description:
      'Anyone (no account needed): register for a live event the office or a unit organises, inside its registration window. ' +
      'Beyond its capacity (none: unlimited places) the registration goes on the waiting list.',
  })
  registerForEvent(@Arg('input') input: RegisterForEventInput, @Ctx() ctx: RequestContext): Promise<RegistrationReceiptView> {
    return registerForEvent(ctx, input);
  }

  @Mutation(() => EventRegistrationCancellation, {
    description: 'Anyone holding the cancellation token: cancel that registration; the first on the waiting list moves up.',
  })
  cancelEventRegistration(@Arg('token') token: string, @Ctx() ctx: RequestContext): Promise<CancellationView> {
    return cancelRegistrationByToken(ctx, token);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => EventRegistration, { description: 'Office: cancel a registration; the first on the waiting list moves up.' })
  cancelEventRegistrationAsOffice(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<EventRegistration> {
    return cancelRegistrationAsOffice(ctx, id);
  }

  @FieldResolver(() => ID)
  id(@Root() registration: EventRegistration): string {
    return toGlobalId(REGISTRATION_TYPE, registration.id);
  }

  @FieldResolver(() => [RegistrationAnswer], { description: 'Answers to the registration questions, in the order given.' })
  answers(@Root() registration: EventRegistration): RegistrationAnswer[] {
    return Object.entries(registration.answers ?? {}).map(([key, value]) => ({ key, value: String(value) }));
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Place on the waiting list (1 = next to move up); null unless WAITLISTED.' })
  waitlistPosition(@Root() registration: EventRegistration, @Ctx() ctx: RequestContext): Promise<number | null> {
    return waitlistPositionOf(ctx, registration);
  }

  @FieldResolver(() => ContentEvent)
  async event(@Root() registration: EventRegistration, @Ctx() ctx: RequestContext): Promise<ContentEvent> {
    return (await ctx.loader(contentById).load(registration.event.id)) as ContentEvent;
  }
}

/** What events show about registration: counts for everyone, the registrations themselves for the office. */
@Resolver(() => ContentEvent)
export class EventRegistrationFieldsResolver {
  @FieldResolver(() => Boolean, {
    description: 'Whether registerForEvent accepts registrations now (live, inside the window; a full event still takes its waiting list).',
  })
  registrationOpen(@Root() event: ContentEvent): boolean {
    return isRegistrationOpen(event);
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Places left; null when the event has no capacity (unlimited places).' })
  async placesLeft(@Root() event: ContentEvent, @Ctx() ctx: RequestContext): Promise<number | null> {
    if (event.capacity === null || event.capacity === undefined) return null;
    return placesLeft(event.capacity, (await registrationCountsOf(ctx, event)).registered);
  }

  @FieldResolver(() => Int, { description: 'Registrations holding a place.' })
  async registeredCount(@Root() event: ContentEvent, @Ctx() ctx: RequestContext): Promise<number> {
    return (await registrationCountsOf(ctx, event)).registered;
  }

  @FieldResolver(() => Int, { description: 'Registrations on the waiting list.' })
  async waitlistCount(@Root() event: ContentEvent, @Ctx() ctx: RequestContext): Promise<number> {
    return (await registrationCountsOf(ctx, event)).waitlisted;
  }

  @Authorized(...OFFICE_ROLES)
  @FieldResolver(() => EventRegistrationConnection, { description: 'Office: the registrations, in order of arrival.' })
  registrations(
    @Root() event: ContentEvent,
    @Ctx() ctx: RequestContext,
    @Args() page: ConnectionArgs,
    @Arg('status', () => [RegistrationStatus], { nullable: true }) status?: RegistrationStatus[],
  ): Promise<ConnectionShape<EventRegistration>> {
    return listRegistrations(ctx, event, status, page);
  }

  @Authorized(...OFFICE_ROLES)
  @FieldResolver(() => String, {
    description: 'Office: the registrations as CSV (name, email, affiliation, status, registeredAt, then one column per question key).',
  })
  registrationsCsv(
    @Root() event: ContentEvent,
    @Ctx() ctx: RequestContext,
    @Arg('bom', { nullable: true, description: 'Start with a UTF-8 byte order mark (for Excel).' }) bom?: boolean,
  ): Promise<string> {
    return registrationsCsv(ctx, event, { bom: bom ?? false });
  }
}

// Registrations are personal data: node(id) answers null outside the office.
registerNodeType(REGISTRATION_TYPE, (ctx, id) => getRegistration(ctx, id));
