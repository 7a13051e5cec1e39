import { byId, groupedBy } from '../../platform/graphql/entity-loaders';
import { HousingAssignment, IncomingCourse, IncomingLaProposal, IncomingMobility, IncomingStatusChange } from './incoming-mobility.entity';

export const incomingById = byId('incomingMobilityById', IncomingMobility);
export const incomingHistory = groupedBy('incomingHistoryByMobility', IncomingStatusChange, 'mobility', { at: 'asc', id: 'asc' });
export const incomingCourses = groupedBy('incomingCoursesByMobility', IncomingCourse, 'mobility', { id: 'asc' });
export const incomingLaProposals = groupedBy('incomingLaProposalsByMobility', IncomingLaProposal, 'mobility', { revision: 'asc' });
export const housingOfMobility = groupedBy('housingAssignmentsByMobility', HousingAssignment, 'mobility', { startsOn: 'asc', id: 'asc' });
