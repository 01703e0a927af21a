import type { Charter, CharterAction, CharterActionStatus, Store } from '../../storage/ports.js';
import { localDay } from '../../text/time.js';

/**
 * What the public pages, the console and the managers' SMS show of charters. An action is
 * overdue when its due day has passed in the programme time zone and it is neither done
 * nor dropped.
 */

export type CharterViewDeps = { storage: Store; clock: { now(): Date }; settings: { timeZone: string } };

export function isOverdue(action: Pick<CharterAction, 'dueDate' | 'status'>, today: string): boolean {
  return (action.status === 'planned' || action.status === 'in_progress') && action.dueDate < today;
}

export function overdueActions(charter: Charter, now: Date, timeZone: string): CharterAction[] {
  const today = localDay(now, timeZone);
  return charter.actions.filter((a) => isOverdue(a, today));
}

/** The overdue actions of a facility's latest charter (the one in force). */
export async function overdueForFacility(deps: CharterViewDeps, facilityCode: string): Promise<{ overdue: number; actions: number }> {
  const [latest] = await deps.storage.charters.listForFacility(facilityCode);
  if (!latest) return { overdue: 0, actions: 0 };
  return { overdue: overdueActions(latest, deps.clock.now(), deps.settings.timeZone).length, actions: latest.actions.length };
}

/** Overdue actions of each facility's latest charter, for the scorecard run (facilities without a charter are absent). */
export async function overdueByFacility(deps: CharterViewDeps): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const now = deps.clock.now();
  // list() is by facility, latest dialogue first: the first charter seen is the one in force
  for (const c of await deps.storage.charters.list()) if (!out.has(c.facilityCode)) out.set(c.facilityCode, overdueActions(c, now, deps.settings.timeZone).length);
  return out;
}

export type PublicCharterAction = {
  title: string;
  owner: string;
  dueDate: string;
  status: CharterActionStatus;
  droppedReason: string | null;
  overdue: boolean;
  /** how many cases it answers; the references themselves stay with staff */
  linkedCases: number;
  /** oldest first; the local day and the note, never who wrote it */
  progress: Array<{ date: string; note: string; status: CharterActionStatus | null }>;
};

export type PublicCharter = {
  dialogueDate: string;
  attendance: Array<{ group: string; count: number }>;
  attendedTotal: number;
  topIssues: Array<{ issue: string; votes: number | null }>;
  actions: PublicCharterAction[];
  /** notes about the charter as a whole, oldest first */
  progress: Array<{ date: string; note: string }>;
  statusCounts: Record<CharterActionStatus, number>;
  overdueCount: number;
  /** the local day it was last changed */
  updatedOn: string;
};

/** For the public facility page: the facility's latest charter, ready to render, or null. */
export async function charterForFacility(deps: CharterViewDeps, facilityCode: string): Promise<{ facilityCode: string; charter: PublicCharter | null; earlierDialogues: string[] }> {
  const [latest, ...earlier] = await deps.storage.charters.listForFacility(facilityCode);
  return { facilityCode, charter: latest ? publicCharter(latest, deps.clock.now(), deps.settings.timeZone) : null, earlierDialogues: earlier.map((c) => c.dialogueDate) };
}

export function publicCharter(charter: Charter, now: Date, timeZone: string): PublicCharter {
  const today = localDay(now, timeZone);
  const day = (at: Date) => localDay(at, timeZone);
  const statusCounts: Record<CharterActionStatus, number> = { planned: 0, in_progress: 0, done: 0, dropped: 0 };
  for (const a of charter.actions) statusCounts[a.status]++;
  const actions = charter.actions.map((a) => ({
    title: a.title,
    owner: a.owner,
    dueDate: a.dueDate,
    status: a.status,
    droppedReason: a.droppedReason,
    overdue: isOverdue(a, today),
    linkedCases: a.caseReferences.length,
    progress: charter.updates.filter((u) => u.actionId === a.id && (u.note || u.status)).map((u) => ({ date: day(u.at), note: u.note, status: u.status })),
  }));
  return {
    dialogueDate: charter.dialogueDate,
    attendance: charter.attendance,
    attendedTotal: charter.attendance.reduce((n, g) => n + g.count, 0),
    topIssues: charter.topIssues,
    actions,
    progress: charter.updates.filter((u) => u.actionId === null).map((u) => ({ date: day(u.at), note: u.note })),
    statusCounts,
    overdueCount: actions.filter((a) => a.overdue).length,
    updatedOn: day(charter.updatedAt),
  };
}

export type StaffCharterSummary = { id: string; dialogueDate: string; actions: number; overdue: number; updatedAt: Date; updatedBy: string; revision: number };

/** For the console's list: a facility's charters, latest dialogue first. */
export async function chartersOfFacility(deps: CharterViewDeps, facilityCode: string): Promise<StaffCharterSummary[]> {
  const now = deps.clock.now();
  return (await deps.storage.charters.listForFacility(facilityCode)).map((c) => ({
    id: c.id,
    dialogueDate: c.dialogueDate,
    actions: c.actions.length,
    overdue: overdueActions(c, now, deps.settings.timeZone).length,
    updatedAt: c.updatedAt,
    updatedBy: c.updatedBy,
    revision: c.revision,
  }));
}

export type StaffCharter = Omit<Charter, 'actions'> & {
  actions: Array<CharterAction & { overdue: boolean; history: Charter['updates'] }>;
  charterNotes: Charter['updates'];
  overdueCount: number;
};

/** For the console's charter page: everything, with overdue marks and each action's history. */
export async function charterForStaff(deps: CharterViewDeps, id: string): Promise<StaffCharter | null> {
  const charter = await deps.storage.charters.get(id);
  if (!charter) return null;
  const today = localDay(deps.clock.now(), deps.settings.timeZone);
  const actions = charter.actions.map((a) => ({ ...a, overdue: isOverdue(a, today), history: charter.updates.filter((u) => u.actionId === a.id) }));
  return { ...charter, actions, charterNotes: charter.updates.filter((u) => u.actionId === null), overdueCount: actions.filter((a) => a.overdue).length };
}
