/**
 * Deadlines the office must not miss: the interim and final reports' due dates and the National Agency calls'
 * deadlines. A daily job announces them (`projectDeadline.due` in the outbox, heard on the office's
 * projectDeadlineReminders subscription); projectDeadlines is the dashboard. "Today" is the UTC date, as elsewhere.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertOffice } from '../../platform/auth/office';
import { sqlArray } from '../../platform/db/sql-array';
import { forbidden, unauthenticated } from '../../platform/errors/domain-error';
import { recordEvent, type DeliveredEvent } from '../../platform/events/outbox';
import type { RequestContext } from '../../platform/graphql/context';
import { toGlobalId } from '../../platform/graphql/relay';
import { addDays, dayNumber, today } from '../mobility/calendar-day';
import { DeadlineThreshold, dueReportReminder, OPEN_REPORT_STATES, PROPOSAL_REMINDER_DAYS } from './project-budget.rules';
import { ProposalStatus, ReportKind } from './project.entity';
import { CONTRACT_TYPE, NA_CALL_TYPE, PROJECT_EVENTS, PROJECTS_ARE_THE_OFFICES, PROPOSAL_TYPE, REPORT_TYPE } from './projects.common';
import { ProjectErrors } from './projects.errors';

export enum DeadlineKind {
  INTERIM_REPORT = 'INTERIM_REPORT',
  FINAL_REPORT = 'FINAL_REPORT',
  PROPOSAL = 'PROPOSAL',
}

const KIND_OF_REPORT: Record<ReportKind, DeadlineKind> = { INTERIM: DeadlineKind.INTERIM_REPORT, FINAL: DeadlineKind.FINAL_REPORT };
const OPEN_REPORTS = OPEN_REPORT_STATES.map((s) => `'${s}'`).join(', ');
const daysFrom = (from: string, to: string) => dayNumber(to)! - dayNumber(from)!;

/**
 * The daily job: reports not yet submitted are announced when 30 days or less remain, again at 7 days or less, and once
 * overdue — each threshold once per report and due date (stored on the report); draft proposals once when their
 * call's deadline is 14 days away or less. Returns how many reminders went out.
 */
export async function remindProjectDeadlines(em: EntityManager, now = new Date()): Promise<number> {
  return em.transactional(async (txEm) => {
    const tx = txEm as EntityManager;
    const day = today(now);
    const reports = await tx.execute<{ id: string; kind: ReportKind; due_on: string; reminded: string[]; version: number; number: string; contract_id: string }[]>(
      `select r.id::text as id, r.kind, to_char(r.due_on, 'YYYY-MM-DD') as due_on, r.reminded_thresholds as reminded, r.version,
              c.number, c.id::text as contract_id
         from project_contract_report r join project_grant_contract c on c.id = r.contract_id
        where r.status in (${OPEN_REPORTS}) and r.due_on <= ?::date
        order by r.due_on, r.id
        for update of r skip locked`,
      [addDays(day, 30)],
    );
    const updates: { id: string; thresholds: string[] }[] = [];
    for (const r of reports) {
      const daysLeft = daysFrom(day, r.due_on);
      const due = dueReportReminder(daysLeft, r.reminded ?? []);
      if (!due) continue;
      updates.push({ id: r.id, thresholds: [...new Set([...(r.reminded ?? []), ...due.covers])] });
      recordEvent(tx, {
        type: PROJECT_EVENTS.deadlineDue,
        aggregateType: REPORT_TYPE,
        aggregateId: r.id,
        aggregateVersion: r.version,
        payload: { kind: KIND_OF_REPORT[r.kind], threshold: due.threshold, dueOn: r.due_on, daysLeft, contractNumber: r.number, contractId: r.contract_id },
      });
    }
    if (updates.length) {
      // Thresholds travel as comma-separated text: one statement for every report reminded.
      await tx.execute(
        `update project_contract_report r set reminded_thresholds = string_to_array(v.t, ',')
           from unnest(?::uuid[], ?::text[]) as v(id, t) where r.id = v.id`,
        [sqlArray(updates.map((u) => u.id)), sqlArray(updates.map((u) => u.thresholds.join(',')))],
      );
    }
    const proposals = await tx.execute<{ id: string; version: number; call_id: string; title: string; deadline: Date }[]>(
      `select p.id::text as id, p.version, n.id::text as call_id, n.title, n.deadline
         from project_proposal p join na_call n on n.id = p.na_call_id
        where p.status = ? and n.deadline > ? and n.deadline <= ?
          and not (? = any(p.reminded_thresholds))
        order by n.deadline, p.id
        for update of p skip locked`,
      [ProposalStatus.DRAFT, now.toISOString(), new Date(now.getTime() + PROPOSAL_REMINDER_DAYS * 86_400_000).toISOString(), DeadlineThreshold.DUE_IN_14],
    );
    if (proposals.length) {
      await tx.execute(`update project_proposal set reminded_thresholds = array_append(reminded_thresholds, ?) where id = any(?::uuid[])`, [
        DeadlineThreshold.DUE_IN_14,
        sqlArray(proposals.map((p) => p.id)),
      ]);
    }
    for (const p of proposals) {
      const dueOn = new Date(p.deadline).toISOString().slice(0, 10);
      recordEvent(tx, {
        type: PROJECT_EVENTS.deadlineDue,
        aggregateType: PROPOSAL_TYPE,
        aggregateId: p.id,
        aggregateVersion: p.version,
        payload: { kind: DeadlineKind.PROPOSAL, threshold: DeadlineThreshold.DUE_IN_14, dueOn, dueAt: new Date(p.deadline).toISOString(), daysLeft: daysFrom(day, dueOn), title: p.title, naCallId: p.call_id },
      });
    }
    return updates.length + proposals.length;
  });
}

export interface DeadlineReminderView {
  kind: DeadlineKind;
  threshold: DeadlineThreshold;
  dueOn: string;
  daysLeft: number;
  contractNumber: string | null;
  title: string | null;
  reportId: string | null;
  proposalId: string | null;
  at: Date;
}

/** The office hears the reminders; anyone else is refused (UNAUTHENTICATED, FORBIDDEN). */
export function followDeadlineReminders(ctx: RequestContext): AsyncIterableIterator<DeliveredEvent> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  if (!ctx.viewer.isOffice) throw forbidden(`${PROJECTS_ARE_THE_OFFICES} (STAFF, ADMIN)`);
  return ctx.follow((event) => event.type === PROJECT_EVENTS.deadlineDue);
}

export function deadlineReminderView(event: DeliveredEvent): DeadlineReminderView {
  const p = event.payload;
  const report = event.aggregateType === REPORT_TYPE;
  return {
    kind: p.kind as DeadlineKind,
    threshold: p.threshold as DeadlineThreshold,
    dueOn: p.dueOn as string,
    daysLeft: p.daysLeft as number,
    contractNumber: (p.contractNumber as string | undefined) ?? null,
    title: (p.title as string | undefined) ?? null,
    reportId: report ? toGlobalId(REPORT_TYPE, event.aggregateId) : null,
    proposalId: report ? null : toGlobalId(PROPOSAL_TYPE, event.aggregateId),
    at: event.occurredAt,
  };
}

export interface ProjectDeadlineView {
  kind: DeadlineKind;
  /** The report's status, or the proposal's (NO_PROPOSAL when the call has none). */
  status: string;
  dueOn: string;
  dueAt: Date | null;
  daysLeft: number;
  overdue: boolean;
  contractNumber: string | null;
  contractId: string | null;
  reportId: string | null;
  naCallId: string | null;
  proposalId: string | null;
  title: string | null;
}

export const MAX_DEADLINE_DAYS = 3650;

/**
 * The dashboard: reports not yet submitted that are due within `withinDays` days or overdue, and National Agency
 * calls whose deadline falls from today to `withinDays` days ahead while their proposal is not submitted (no proposal,
 * or a draft), soonest first. One SQL statement whatever the number of contracts and calls.
 */
export async function projectDeadlines(ctx: RequestContext, withinDays: number): Promise<ProjectDeadlineView[]> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  if (!Number.isInteger(withinDays) || withinDays < 0 || withinDays > MAX_DEADLINE_DAYS) {
    throw ProjectErrors.outOfRange('withinDays', `withinDays must be between 0 and ${MAX_DEADLINE_DAYS}`);
  }
  const now = new Date();
  const day = today(now);
  const limit = addDays(day, withinDays);
  const rows = await ctx.em.execute<
    { source: string; id: string; kind: string; status: string; due_on: string; due_at: Date | null; number: string | null; contract_id: string | null; title: string | null; proposal_id: string | null }[]
  >(
    `select * from (
       select 'REPORT' as source, r.id::text as id, r.kind::text as kind, r.status::text as status,
              to_char(r.due_on, 'YYYY-MM-DD') as due_on, null::timestamptz as due_at,
              c.number, c.id::text as contract_id, null::text as title, null::text as proposal_id
         from project_contract_report r join project_grant_contract c on c.id = r.contract_id
        where r.status in (${OPEN_REPORTS}) and r.due_on <= ?::date
       union all
       select 'CALL', n.id::text, 'PROPOSAL', coalesce(p.status::text, 'NO_PROPOSAL'),
              to_char(n.deadline at time zone 'UTC', 'YYYY-MM-DD'), n.deadline,
              null, null, n.title, p.id::text
         from na_call n left join project_proposal p on p.na_call_id = n.id
        where (p.id is null or p.status = ?) and n.deadline >= ?::date and n.deadline < (?::date + 1)
     ) d
     order by due_on, due_at nulls first, id
     limit 500`,
    [limit, ProposalStatus.DRAFT, day, limit],
  );
  return rows.map((r) => {
    const report = r.source === 'REPORT';
    const daysLeft = daysFrom(day, r.due_on);
    return {
      kind: report ? KIND_OF_REPORT[r.kind as ReportKind] : DeadlineKind.PROPOSAL,
      status: r.status,
      dueOn: r.due_on,
      dueAt: r.due_at ? new Date(r.due_at) : null,
      daysLeft,
      overdue: report ? daysLeft < 0 : new Date(r.due_at!).getTime() < now.getTime(),
      contractNumber: r.number,
      contractId: r.contract_id ? toGlobalId(CONTRACT_TYPE, r.contract_id) : null,
      reportId: report ? toGlobalId(REPORT_TYPE, r.id) : null,
      naCallId: report ? null : toGlobalId(NA_CALL_TYPE, r.id),
      proposalId: r.proposal_id ? toGlobalId(PROPOSAL_TYPE, r.proposal_id) : null,
      title: r.title,
    };
  });
}
