/**
 * Helpers of the tracking and transcript/recognition suites: calendar days relative to today, and mobilities taken
 * through the office's tracking steps (planned dates, confirmed arrival, confirmed departure).
 */
import { TrkConfirmArrivalDocument, TrkConfirmDepartureDocument, TrkMobilityDocument, TrkSetDatesDocument, type MobilityType, type TrkMobilityQuery } from '../generated/graphql';
import type { Identity } from '../support/hub';
import { ok, STAFF, type MobilityWorld } from './mobility.support';

/** The UTC calendar day `offset` days from today (YYYY-MM-DD), as the hub counts due dates. */
export function day(offset: number, from = new Date()): string {
  return new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()) + offset * 86_400_000).toISOString().slice(0, 10);
}

/** `date` moved by `n` days. */
export function plus(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export type Tracked = NonNullable<TrkMobilityQuery['mobilityApplication']>;

export async function readTracked(world: MobilityWorld, id: string, as: Identity = STAFF): Promise<Tracked> {
  const read = ok(await world.hub.request(TrkMobilityDocument, { id }, as)).mobilityApplication;
  if (!read) throw new Error(`cannot read ${id}`);
  return read;
}

export interface TrackedMobility {
  who: Identity;
  id: string;
  number: string;
  partnerId: string;
  version: number;
}

/**
 * An accepted mobility with planned dates, optionally taken on to LIVE (`arrive`) and COMPLETED (`depart`): the actual
 * dates are the planned ones unless given.
 */
export async function trackedMobility(
  world: MobilityWorld,
  opts: {
    plannedStart: string;
    plannedEnd: string;
    arrive?: boolean | string;
    depart?: boolean | string;
    mobilityType?: MobilityType;
    isced?: string;
    country?: string;
  },
): Promise<TrackedMobility> {
  const accepted = await world.acceptedMobility({ mobilityType: opts.mobilityType, isced: opts.isced, country: opts.country });
  const hub = world.hub;
  let current = ok(
    await hub.request(
      TrkSetDatesDocument,
      { input: { applicationId: accepted.application.id, version: accepted.application.version, plannedStart: opts.plannedStart, plannedEnd: opts.plannedEnd } },
      STAFF,
    ),
  ).setMobilityDates;
  if (opts.arrive || opts.depart) {
    const actualStart = typeof opts.arrive === 'string' ? opts.arrive : opts.plannedStart;
    current = ok(await hub.request(TrkConfirmArrivalDocument, { input: { applicationId: current.id, version: current.version, actualStart } }, STAFF)).confirmArrival;
  }
  if (opts.depart) {
    const actualEnd = typeof opts.depart === 'string' ? opts.depart : opts.plannedEnd;
    current = ok(
      await hub.request(TrkConfirmDepartureDocument, { input: { applicationId: current.id, version: current.version, actualEnd, certificateReference: `CoA-${current.number}` } }, STAFF),
    ).confirmDeparture;
  }
  return { who: accepted.who, id: current.id, number: current.number, partnerId: accepted.partner.id, version: current.version };
}
