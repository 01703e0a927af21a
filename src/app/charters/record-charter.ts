import { randomBytes } from 'node:crypto';
import type { Clock } from '../../gateways/clock.js';
import type { Charter, CharterAction, CharterActionStatus, CharterUpdate, Store } from '../../storage/ports.js';
import { localDay } from '../../text/time.js';
import type { FieldError } from '../facilities/facility-admin.js';
import { recordAudit } from '../staff/audit.js';
import { CharterInput, ExpectedRevision, ProgressInput, StatusChangeInput, fieldErrors } from './charter-input.js';

/**
 * Recording what a facility and its community agreed at a dialogue, and keeping track of it:
 * the charter, edits to it, dated progress updates and changes of an action's status. Every
 * save is compare-and-set on the charter's revision, and every write is audited.
 */

export type CharterDeps = { storage: Store; clock: Clock; settings: { timeZone: string } };
export type CharterWrite = { ok: true; charter: Charter } | { ok: false; errors: FieldError[]; notFound?: boolean /** another save came first: reload and try again */; conflict?: boolean };

const notFound = (what: string): CharterWrite => ({ ok: false, notFound: true, errors: [{ field: 'id', message: `no ${what}` }] });
const conflict: CharterWrite = {
  ok: false,
  conflict: true,
  errors: [{ field: 'revision', message: 'someone else saved this charter since you opened it: reload it and make your change again' }],
};

export async function recordCharter(deps: CharterDeps, input: unknown, by: string): Promise<CharterWrite> {
  const parsed = CharterInput.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const c = parsed.data;
  const errors = await checkFacilityAndDate(deps, c.facilityCode, c.dialogueDate);
  if (errors.length) return { ok: false, errors };
  const now = deps.clock.now();
  const actions = numberActions(c.actions, []);
  const charter: Charter = {
    id: `ch-${randomBytes(6).toString('hex')}`,
    facilityCode: c.facilityCode,
    dialogueDate: c.dialogueDate,
    attendance: c.attendance,
    topIssues: c.topIssues.map((t) => ({ issue: t.issue, votes: t.votes ?? null })),
    actions,
    updates: [],
    createdAt: now,
    createdBy: by,
    updatedAt: now,
    updatedBy: by,
    revision: 0,
  };
  if (!(await deps.storage.charters.create(charter))) return { ok: false, errors: [{ field: 'id', message: 'could not store the charter: try again' }] };
  await recordAudit(deps, {
    actor: by,
    action: 'charter.created',
    target: `facility ${charter.facilityCode} charter ${charter.id}`,
    details: { dialogueDate: charter.dialogueDate, actions: actions.length },
  });
  return { ok: true, charter };
}

/**
 * Replaces what was agreed (date, attendance, issues, actions). Actions sent with their id
 * keep it; an action whose status changes gets an entry in the history, like a status change.
 */
export async function editCharter(deps: CharterDeps, id: string, input: unknown, expectedRevision: unknown, by: string): Promise<CharterWrite> {
  const parsed = CharterInput.safeParse(input);
  const revision = ExpectedRevision.safeParse(expectedRevision);
  if (!parsed.success || !revision.success) {
    return { ok: false, errors: [...(parsed.success ? [] : fieldErrors(parsed.error)), ...(revision.success ? [] : fieldErrors(revision.error).map((e) => ({ ...e, field: 'revision' })))] };
  }
  const existing = await deps.storage.charters.get(id);
  if (!existing) return notFound(`charter ${id}`);
  const c = parsed.data;
  if (c.facilityCode !== existing.facilityCode) return { ok: false, errors: [{ field: 'facilityCode', message: 'a charter stays with the facility it was agreed for' }] };
  const errors = await checkFacilityAndDate(deps, c.facilityCode, c.dialogueDate);
  const unknownIds = c.actions.filter((a) => a.id && !existing.actions.some((e) => e.id === a.id));
  for (const a of unknownIds) errors.push({ field: `actions.${c.actions.indexOf(a)}.id`, message: `this charter has no action ${a.id}` });
  if (errors.length) return { ok: false, errors };
  const now = deps.clock.now();
  const actions = numberActions(c.actions, existing.actions);
  const statusUpdates = actions.flatMap((a): CharterUpdate[] => {
    const before = existing.actions.find((e) => e.id === a.id);
    return before && before.status !== a.status ? [update(now, by, a.id, a.status === 'dropped' ? (a.droppedReason ?? '') : '', a.status)] : [];
  });
  const next: Charter = {
    ...existing,
    dialogueDate: c.dialogueDate,
    attendance: c.attendance,
    topIssues: c.topIssues.map((t) => ({ issue: t.issue, votes: t.votes ?? null })),
    actions,
    updates: withIds(existing, statusUpdates),
    updatedAt: now,
    updatedBy: by,
  };
  if (!(await deps.storage.charters.update(next, revision.data))) return (await deps.storage.charters.get(id)) ? conflict : notFound(`charter ${id}`);
  await recordAudit(deps, {
    actor: by,
    action: 'charter.updated',
    target: `facility ${existing.facilityCode} charter ${id}`,
    details: { dialogueDate: next.dialogueDate, actions: actions.length, statusChanges: statusUpdates.length },
  });
  return { ok: true, charter: { ...next, revision: revision.data + 1 } };
}

/** A dated note on progress, kept in the charter's history. */
export async function addProgressUpdate(deps: CharterDeps, id: string, input: unknown, expectedRevision: unknown, by: string): Promise<CharterWrite> {
  const parsed = ProgressInput.safeParse(input);
  const revision = ExpectedRevision.safeParse(expectedRevision);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  if (!revision.success) return { ok: false, errors: fieldErrors(revision.error).map((e) => ({ ...e, field: 'revision' })) };
  const existing = await deps.storage.charters.get(id);
  if (!existing) return notFound(`charter ${id}`);
  const { actionId, note } = parsed.data;
  if (actionId && !existing.actions.some((a) => a.id === actionId)) return { ok: false, errors: [{ field: 'actionId', message: `this charter has no action ${actionId}` }] };
  const now = deps.clock.now();
  const next: Charter = { ...existing, updates: withIds(existing, [update(now, by, actionId, note, null)]), updatedAt: now, updatedBy: by };
  // the action's title too, so the audit log names it as staff know it
  const title = existing.actions.find((a) => a.id === actionId)?.title;
  return save(deps, existing, next, revision.data, by, 'charter.progress', { actionId, ...(title ? { title } : {}) });
}

/** Moves an action to another status; dropping needs a reason. Recorded in the history. */
export async function changeActionStatus(deps: CharterDeps, id: string, actionId: string, input: unknown, expectedRevision: unknown, by: string): Promise<CharterWrite> {
  const parsed = StatusChangeInput.safeParse(input);
  const revision = ExpectedRevision.safeParse(expectedRevision);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  if (!revision.success) return { ok: false, errors: fieldErrors(revision.error).map((e) => ({ ...e, field: 'revision' })) };
  const existing = await deps.storage.charters.get(id);
  if (!existing) return notFound(`charter ${id}`);
  const action = existing.actions.find((a) => a.id === actionId);
  if (!action) return notFound(`action ${actionId} in charter ${id}`);
  const { status, droppedReason, note } = parsed.data;
  const now = deps.clock.now();
  const changed: CharterAction = { ...action, status, droppedReason: status === 'dropped' ? droppedReason : null };
  const historyNote = note || (status === 'dropped' ? (droppedReason ?? '') : '');
  const next: Charter = {
    ...existing,
    actions: existing.actions.map((a) => (a.id === actionId ? changed : a)),
    updates: withIds(existing, [update(now, by, actionId, historyNote, status)]),
    updatedAt: now,
    updatedBy: by,
  };
  return save(deps, existing, next, revision.data, by, 'charter.action_status', { actionId, from: action.status, to: status });
}

async function save(deps: CharterDeps, existing: Charter, next: Charter, expectedRevision: number, by: string, action: string, details: Record<string, unknown>): Promise<CharterWrite> {
  if (!(await deps.storage.charters.update(next, expectedRevision))) return (await deps.storage.charters.get(existing.id)) ? conflict : notFound(`charter ${existing.id}`);
  await recordAudit(deps, { actor: by, action, target: `facility ${existing.facilityCode} charter ${existing.id}`, details });
  return { ok: true, charter: { ...next, revision: expectedRevision + 1 } };
}

async function checkFacilityAndDate(deps: CharterDeps, facilityCode: string, dialogueDate: string): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  if (!(await deps.storage.facilities.findByCode(facilityCode))) errors.push({ field: 'facilityCode', message: `no facility has code ${facilityCode}` });
  if (dialogueDate > localDay(deps.clock.now(), deps.settings.timeZone)) errors.push({ field: 'dialogueDate', message: 'the dialogue cannot be in the future' });
  return errors;
}

type ParsedAction = { id?: string | undefined; title: string; owner: string; dueDate: string; status: CharterActionStatus; droppedReason: string | null; caseReferences: string[] };

/** Keeps the ids of existing actions and numbers new ones after the highest id ever used. */
function numberActions(input: ParsedAction[], existing: CharterAction[]): CharterAction[] {
  let highest = Math.max(0, ...existing.map((a) => Number(a.id.slice(1))), ...input.map((a) => (a.id ? Number(a.id.slice(1)) : 0)));
  return input.map((a) => ({
    id: a.id ?? `a${++highest}`,
    title: a.title,
    owner: a.owner,
    dueDate: a.dueDate,
    status: a.status,
    droppedReason: a.status === 'dropped' ? a.droppedReason : null,
    caseReferences: [...new Set(a.caseReferences)],
  }));
}

function update(at: Date, by: string, actionId: string | null, note: string, status: CharterActionStatus | null): CharterUpdate {
  return { id: '', at, by, actionId, note, status };
}
function withIds(charter: Charter, added: CharterUpdate[]): CharterUpdate[] {
  return [...charter.updates, ...added.map((u, i) => ({ ...u, id: `u${charter.updates.length + i + 1}` }))];
}
