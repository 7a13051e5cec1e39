/** What the services of the projects module share: type names, event names, access rules and row locking. */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { forbidden, notFound, unauthenticated, versionConflict } from '../../platform/errors/domain-error';
import type { RequestContext } from '../../platform/graphql/context';
import { isAcademicYear } from '../agreements/academic-year';
import { ProjectErrors } from './projects.errors';

export const NA_CALL_TYPE = 'NaCall';
export const QUOTA_REQUEST_TYPE = 'QuotaRequest';
export const PROPOSAL_TYPE = 'NaProposal';
export const CONTRACT_TYPE = 'GrantContract';
export const CONTRACT_LINE_TYPE = 'GrantContractLine';
export const REPORT_TYPE = 'ContractReport';

/** Outbox event types: dashboards follow these; `deadlineDue` is the reminder job's. */
export const PROJECT_EVENTS = {
  naCallCreated: 'naCall.created',
  naCallUpdated: 'naCall.updated',
  naCallDeleted: 'naCall.deleted',
  quotaRequestSubmitted: 'quotaRequest.submitted',
  quotaRequestUpdated: 'quotaRequest.updated',
  quotaRequestWithdrawn: 'quotaRequest.withdrawn',
  quotaRequestStatusChanged: 'quotaRequest.statusChanged',
  proposalCreated: 'naProposal.created',
  proposalUpdated: 'naProposal.updated',
  proposalStatusChanged: 'naProposal.statusChanged',
  contractCreated: 'grantContract.created',
  contractUpdated: 'grantContract.updated',
  contractAmended: 'grantContract.amended',
  spendingRecorded: 'grantContract.spendingRecorded',
  reportAdded: 'contractReport.added',
  reportUpdated: 'contractReport.updated',
  reportStatusChanged: 'contractReport.statusChanged',
  deadlineDue: 'projectDeadline.due',
};

export const PROJECTS_ARE_THE_OFFICES = 'National Agency projects are the office’s';

/** The office, or a coordinator (who then sees what concerns their units). Applicants: FORBIDDEN; anonymous: UNAUTHENTICATED. */
export function assertOfficeOrCoordinator(ctx: RequestContext): void {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  if (!ctx.viewer.isOffice && !ctx.viewer.has('COORDINATOR')) throw forbidden(`${PROJECTS_ARE_THE_OFFICES} (STAFF, ADMIN) and the coordinators’`);
}

/** A versioned row, locked for the transaction, at the version the client read (VERSION_CONFLICT otherwise). */
export async function lockAt<T extends { id: string; version: number }>(
  em: EntityManager,
  entity: new () => T,
  type: string,
  id: string,
  globalId: string,
  version: number | undefined,
): Promise<T> {
  const row = await em.findOne(entity, { id } as never, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!row) throw notFound(type, globalId);
  if (version !== undefined && row.version !== version) throw versionConflict(type, version, row.version);
  return row;
}

export function validAcademicYear(value: string, field = 'academicYear'): string {
  if (!isAcademicYear(value)) throw ProjectErrors.invalidAcademicYear(field);
  return value;
}

/** Trimmed text, or undefined when empty. */
export const text = (value: string | null | undefined): string | undefined => value?.trim() || undefined;

/** "1250" → "1250.00", as numeric(12,2) returns it (so an unchanged amount is seen as unchanged). */
export function canonicalMoney(amount: string): string {
  const [whole, fraction = ''] = amount.split('.');
  return `${Number(whole)}.${fraction.padEnd(2, '0')}`;
}
