import { randomBytes } from 'node:crypto';
import type { Clock } from '../../gateways/clock.js';
import type { AuditEntry, Store } from '../../storage/ports.js';
import { countedNoun } from '../../text/messages.js';

// entries of one instant keep the order they were made in: the list sorts by time, then id
let sequence = 0;

/** Writes one audit entry: who did what to which thing, and when. */
export async function recordAudit(deps: { storage: Store; clock: Clock }, entry: { actor: string; action: string; target: string; details?: Record<string, unknown> }): Promise<void> {
  await deps.storage.audit.append({
    id: `${deps.clock.now().getTime().toString(36)}-${(sequence++ % 36 ** 6).toString(36).padStart(6, '0')}-${randomBytes(4).toString('hex')}`,
    at: deps.clock.now(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    details: entry.details ?? {},
  });
}

type Entry = Pick<AuditEntry, 'actor' | 'action' | 'target' | 'details'>;

const FORMAT_NAMES: Record<string, string> = { xlsform: 'an XLSForm', translations: 'a translation sheet', floip: 'a FLOIP flow' };
const CHARTER_STATUS: Record<string, string> = { planned: 'planned', in_progress: 'in progress', done: 'done', dropped: 'dropped' };
/** What a staff member did to a case (`case.<event>`), as the verb of "Alice acknowledged case …". */
export const CASE_VERBS: Record<string, string> = {
  acknowledge: 'acknowledged',
  action_taken: 'recorded what was done on',
  refer: 'referred up (cannot act here)',
  resolve: 'marked resolved',
  reopen: 'reopened',
  escalate: 'escalated',
  close_unresolved: 'closed, not resolved,',
  note: 'added a note to',
};
const CASE_STATUS: Record<string, string> = {
  open: 'open',
  acknowledged: 'acknowledged',
  action_taken: 'action taken',
  resolved: 'resolved',
  reopened: 'reopened',
  escalated: 'escalated',
  closed_unresolved: 'closed, not resolved',
};

// the details of an entry are as they were stored: counts arrive as unknown
const plural = (n: unknown, one: string) => countedNoun(Number(n), one);

/** The publish check's paths per language: ", 41 conversation paths checked in en, sw, zu". */
function pathsChecked(paths: unknown): string {
  if (!paths || typeof paths !== 'object') return '';
  const counts = Object.entries(paths as Record<string, number>);
  if (counts.length === 0) return '';
  const most = Math.max(...counts.map(([, n]) => Number(n) || 0));
  return `, ${plural(most, 'conversation path')} checked in ${counts.map(([lang]) => lang).join(', ')}`;
}

/** "questionnaire clinic@3" → "clinic v3"; "questionnaire clinic draft d_…" → { id: clinic, draft: d_… }. */
function questionnaireTarget(target: string): { id: string; version?: string; draft?: string } {
  const version = /^questionnaire (\S+)@(\d+)$/.exec(target);
  if (version) return { id: version[1]!, version: version[2]! };
  const draft = /^questionnaire (\S+) draft (\S+)$/.exec(target);
  if (draft) return { id: draft[1]!, draft: draft[2]! };
  return { id: target.replace(/^questionnaire /, '') };
}

/** "Alice recorded what was done on case K7M3-P9QX-AB at facility 1001: More staff on duty; it is now action taken". */
function caseSentence(who: string, event: string, target: string, d: Record<string, unknown>): string {
  const reference = target.replace(/^case /, '');
  const where = d.facilityCode ? ` at facility ${d.facilityCode}` : '';
  const what = d.actionLabel ?? d.action;
  const moved = d.to && d.from !== d.to ? `; it is now ${CASE_STATUS[String(d.to)] ?? d.to}` : '';
  return `${who} ${CASE_VERBS[event] ?? event.replace(/_/g, ' ')} case ${reference}${where}${what ? `: ${what}` : ''}${moved}`;
}

/**
 * What an audit entry says, as a sentence a programme officer reads: "Alice published clinic v3".
 * Every action the use cases record has its sentence; one not known here still reads as
 * "who did what to which", with its details in words, never as JSON.
 */
export function auditSentence(entry: Entry): string {
  const who = entry.actor;
  const d = entry.details ?? {};
  const q = questionnaireTarget(entry.target);
  const draftOf = `draft ${q.draft} of ${q.id}`;
  switch (entry.action) {
    case 'questionnaire.published':
      return `${who} published ${q.id} v${q.version}${d.basedOn ? ` (changed from v${d.basedOn})` : ' (its first version)'}${pathsChecked(d.paths)}`;
    case 'questionnaire.retired':
      return `${who} retired ${q.id} v${q.version}; ${d.nowCurrent ? `v${d.nowCurrent} is now current` : 'no version is current now'}`;
    case 'questionnaire.exported':
      return `${who} downloaded ${q.id} (${d.from ?? 'current'}) as ${FORMAT_NAMES[String(d.format)] ?? String(d.format)}`;
    case 'draft.created':
      return `${who} started ${draftOf}${d.basedOn ? ` from v${d.basedOn}` : ' as a new questionnaire'}`;
    case 'draft.updated':
      return `${who} saved ${draftOf}${d.revision ? ` (revision ${d.revision})` : ''}`;
    case 'draft.deleted':
      return `${who} deleted ${draftOf}`;
    case 'draft.imported':
      return `${who} imported ${FORMAT_NAMES[String(d.format)] ?? String(d.format)} into ${draftOf}${d.basedOn ? ` (on top of v${d.basedOn})` : ''}: ${d.valid ? 'it passes the checks' : 'it does not pass the checks yet'}${d.warnings ? `, ${plural(d.warnings, 'warning')}` : ''}`;
    case 'draft.translations_imported':
      return `${who} imported translations into ${draftOf}: ${plural(d.changed, 'text')} changed`;
    case 'facility.created':
      return `${who} added ${entry.target}${d.name ? ` (${d.name})` : ''}`;
    case 'facility.updated':
      return `${who} updated ${entry.target}${d.name ? ` (${d.name})` : ''}${d.active === false ? ', inactive' : ''}${typeof d.managers === 'number' ? `, ${plural(d.managers, 'manager')}` : ''}`;
    case 'facility.deactivated':
      return `${who} deactivated ${entry.target}`;
    case 'facility.reactivated':
      return `${who} reactivated ${entry.target}`;
    case 'facilities.imported':
      return `${who} imported ${plural(d.rows, 'facility row')}: ${d.inserted ?? 0} new, ${d.updated ?? 0} updated`;
    case 'facility_type.added':
      return `${who} added the ${entry.target}${d.name ? ` (${d.name})` : ''}`;
    case 'facility_type.renamed':
      return `${who} changed the names of the ${entry.target}${d.name ? ` (${d.name})` : ''}${d.languages ? ` in ${d.languages}` : ''}`;
    case 'manager_pin.set':
      return `${who} set the USSD PIN of the manager of ${entry.target}${d.manager ? ` (${d.manager}${d.phone ? `, ${d.phone}` : ''})` : ''}`;
    case 'manager_pin.removed':
      return `${who} removed the USSD PIN of the manager of ${entry.target}${d.manager ? ` (${d.manager}${d.phone ? `, ${d.phone}` : ''})` : ''}`;
    case 'manager_pin.released':
      return `${who} changed the managers so that no facility lists ${d.phone ?? 'a number'} any more: its USSD PIN was removed`;
    case 'district.added':
      return `${who} added ${entry.target}`;
    case 'token.created':
      return `${who} created ${d.role === 'admin' ? 'an' : 'a'} ${d.role ?? ''} token for ${d.name ?? 'someone'}`.replace(/\s+/g, ' ');
    case 'token.revoked':
      return `${who} revoked ${entry.target}`;
    case 'charter.created':
      return `${who} recorded the charter of ${entry.target.replace(/ charter .*$/, '')}${d.dialogueDate ? ` from the dialogue of ${d.dialogueDate}` : ''}${typeof d.actions === 'number' ? `, ${plural(d.actions, 'action')}` : ''}`;
    case 'charter.updated':
      return `${who} edited the charter of ${entry.target.replace(/ charter .*$/, '')}${typeof d.actions === 'number' ? `: ${plural(d.actions, 'action')}` : ''}${d.statusChanges ? `, ${plural(d.statusChanges, 'status change')}` : ''}`;
    case 'charter.progress':
      return `${who} noted progress on ${d.actionId ? `action ${d.actionId}${d.title ? ` ('${d.title}')` : ''} of ` : ''}the charter of ${entry.target.replace(/ charter .*$/, '')}`;
    case 'charter.action_status':
      return `${who} moved action ${d.actionId} of the charter of ${entry.target.replace(/ charter .*$/, '')} from ${CHARTER_STATUS[String(d.from)] ?? d.from} to ${CHARTER_STATUS[String(d.to)] ?? d.to}`;
    case 'scorecards.sent_now':
      return `${who} sent the scorecards of ${entry.target.replace(/^period /, '')} now: ${plural(d.scorecards, 'scorecard')}, ${plural(d.messages, 'message')} in the outbox, ${d.newMessages ?? 0} of them new`;
    default: {
      if (entry.action.startsWith('case.')) return caseSentence(who, entry.action.slice('case.'.length), entry.target, d);
      const words = entry.action.replace(/[._]/g, ' ');
      const details = Object.entries(d)
        .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
        .map(([k, v]) => `${k.replace(/([A-Z])/g, ' $1').toLowerCase()} ${v}`);
      return `${who}: ${words}, ${entry.target}${details.length ? ` (${details.join(', ')})` : ''}`;
    }
  }
}
