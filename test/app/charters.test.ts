import { describe, expect, it } from 'vitest';
import { addProgressUpdate, changeActionStatus, editCharter, recordCharter } from '../../src/app/charters/record-charter.js';
import { charterForFacility, charterForStaff, chartersOfFacility, overdueForFacility } from '../../src/app/charters/charter-views.js';
import { manualClock } from '../../src/gateways/clock.js';
import { createMemoryStorage } from '../../src/storage/memory/memory-storage.js';

const TZ = 'Africa/Nairobi';

async function setup(now = '2026-05-10T08:00:00Z') {
  const storage = createMemoryStorage();
  await storage.facilities.insert({ code: '1001', name: 'Kibera Clinic', type: 'clinic', district: 'north', active: true, managers: [] });
  const clock = manualClock(now);
  return { storage, clock, settings: { timeZone: TZ } };
}

const input = (over: Record<string, unknown> = {}) => ({
  facilityCode: '1001',
  dialogueDate: '2026-04-02',
  attendance: [
    { group: 'community members', count: '31' },
    { group: 'facility staff', count: 5 },
  ],
  topIssues: [{ issue: 'Long wait', votes: 19 }, { issue: 'Rude staff' }],
  actions: [
    { title: 'Second triage nurse on Mondays', owner: 'Facility in-charge', dueDate: '2026-05-09', caseReferences: ['k7m3 p9qx ab'] },
    { title: 'Queue numbers at the gate', owner: 'Clinic committee', dueDate: '2026-05-10', status: 'in_progress' },
    { title: 'Paint the waiting room', owner: 'District works', dueDate: '2026-01-01', status: 'done' },
  ],
  ...over,
});

describe('commitment charters', () => {
  it('records a charter with numbered actions, normalised case references and an audit entry', async () => {
    const deps = await setup();
    const r = await recordCharter(deps, input(), 'Thandi (editor)');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.charter.actions.map((a) => [a.id, a.status, a.caseReferences])).toEqual([
      ['a1', 'planned', ['K7M3-P9QX-AB']],
      ['a2', 'in_progress', []],
      ['a3', 'done', []],
    ]);
    expect(r.charter.attendance).toEqual([
      { group: 'community members', count: 31 },
      { group: 'facility staff', count: 5 },
    ]);
    expect(r.charter.topIssues[1]).toEqual({ issue: 'Rude staff', votes: null });
    expect(await deps.storage.charters.get(r.charter.id)).toStrictEqual(r.charter);
    const [audit] = await deps.storage.audit.list();
    expect(audit).toMatchObject({ actor: 'Thandi (editor)', action: 'charter.created', target: `facility 1001 charter ${r.charter.id}` });
  });

  it('names each bad field: dropped without a reason, bad reference, unknown facility, future dialogue', async () => {
    const deps = await setup();
    const r = await recordCharter(
      deps,
      input({
        facilityCode: '9999',
        dialogueDate: '2026-05-11',
        actions: [{ title: 'Queue numbers', owner: 'Committee', dueDate: '2026-02-30', status: 'dropped', caseReferences: ['not-a-ref'] }],
      }),
      'x',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.field).sort()).toEqual(['actions.0.caseReferences.0', 'actions.0.droppedReason', 'actions.0.dueDate']);
    const later = await recordCharter(deps, input({ facilityCode: '9999', dialogueDate: '2026-05-11' }), 'x');
    expect(later.ok ? [] : later.errors.map((e) => e.field)).toEqual(['facilityCode', 'dialogueDate']);
    expect(await deps.storage.charters.listForFacility('1001')).toEqual([]);
  });

  it('marks as overdue only actions past their due day in the programme time zone, not done or dropped', async () => {
    // 21:30 UTC on 9 May is 00:30 on 10 May in Nairobi: a1 (due 9 May) is overdue, a2 (due 10 May) is not yet
    const deps = await setup('2026-05-09T21:30:00Z');
    const r = await recordCharter(deps, input(), 'Thandi (editor)');
    if (!r.ok) throw new Error('not recorded');
    expect(await overdueForFacility(deps, '1001')).toEqual({ overdue: 1, actions: 3 });
    deps.clock.set('2026-05-09T20:59:00Z');
    expect(await overdueForFacility(deps, '1001')).toEqual({ overdue: 0, actions: 3 });
    deps.clock.set('2026-05-11T06:00:00Z');
    expect((await chartersOfFacility(deps, '1001'))[0]).toMatchObject({ id: r.charter.id, actions: 3, overdue: 2 });
    const staff = await charterForStaff(deps, r.charter.id);
    expect(staff!.actions.map((a) => a.overdue)).toEqual([true, true, false]);
    expect(await overdueForFacility(deps, '2002')).toEqual({ overdue: 0, actions: 0 });
  });

  it('keeps dated progress updates and status changes as history, compare-and-set on the revision', async () => {
    const deps = await setup();
    const r = await recordCharter(deps, input(), 'Thandi (editor)');
    if (!r.ok) throw new Error('not recorded');
    deps.clock.set('2026-05-12T09:00:00Z');
    const p = await addProgressUpdate(deps, r.charter.id, { actionId: 'a1', note: 'Nurse hired, starts in June' }, 0, 'Thandi (editor)');
    expect(p.ok).toBe(true);
    const stale = await addProgressUpdate(deps, r.charter.id, { note: 'A note from an old tab' }, 0, 'Sipho (editor)');
    expect(stale).toMatchObject({ ok: false, conflict: true });
    const noReason = await changeActionStatus(deps, r.charter.id, 'a2', { status: 'dropped' }, 1, 'Thandi (editor)');
    expect(noReason.ok ? [] : noReason.errors.map((e) => e.field)).toEqual(['droppedReason']);
    deps.clock.set('2026-05-13T09:00:00Z');
    const dropped = await changeActionStatus(deps, r.charter.id, 'a2', { status: 'dropped', droppedReason: 'The gate is being rebuilt' }, 1, 'Thandi (editor)');
    expect(dropped.ok).toBe(true);
    expect(await changeActionStatus(deps, r.charter.id, 'a9', { status: 'done' }, 2, 'x')).toMatchObject({ ok: false, notFound: true });
    const stored = (await deps.storage.charters.get(r.charter.id))!;
    expect(stored.revision).toBe(2);
    expect(stored.actions[1]).toMatchObject({ status: 'dropped', droppedReason: 'The gate is being rebuilt' });
    expect(stored.updates.map((u) => [u.id, u.actionId, u.status, u.note, u.at.toISOString()])).toEqual([
      ['u1', 'a1', null, 'Nurse hired, starts in June', '2026-05-12T09:00:00.000Z'],
      ['u2', 'a2', 'dropped', 'The gate is being rebuilt', '2026-05-13T09:00:00.000Z'],
    ]);
    expect((await deps.storage.audit.list()).map((e) => e.action)).toEqual(['charter.action_status', 'charter.progress', 'charter.created']);
  });

  it('edits keep action ids, number new actions after the highest and record status changes', async () => {
    const deps = await setup();
    const r = await recordCharter(deps, input(), 'Thandi (editor)');
    if (!r.ok) throw new Error('not recorded');
    const edited = await editCharter(
      deps,
      r.charter.id,
      input({
        actions: [
          { id: 'a1', title: 'Second triage nurse on Mondays', owner: 'Facility in-charge', dueDate: '2026-06-30', status: 'in_progress' },
          { title: 'Suggestion box', owner: 'Clinic committee', dueDate: '2026-07-01' },
        ],
      }),
      '0',
      'Sipho (editor)',
    );
    expect(edited.ok).toBe(true);
    if (!edited.ok) return;
    expect(edited.charter.actions.map((a) => a.id)).toEqual(['a1', 'a4']);
    expect(edited.charter.updates).toMatchObject([{ actionId: 'a1', status: 'in_progress', by: 'Sipho (editor)' }]);
    expect(await editCharter(deps, r.charter.id, input(), 0, 'x')).toMatchObject({ ok: false, conflict: true });
    expect(await editCharter(deps, r.charter.id, input({ actions: [{ id: 'a7', title: 'Ghost', owner: 'Nobody', dueDate: '2026-07-01' }] }), 1, 'x')).toMatchObject({
      ok: false,
      errors: [{ field: 'actions.0.id' }],
    });
    expect(await editCharter(deps, 'ch-missing', input(), 0, 'x')).toMatchObject({ ok: false, notFound: true });
  });

  it('gives the public page the latest charter without case references or staff names', async () => {
    const deps = await setup();
    expect(await charterForFacility(deps, '1001')).toEqual({ facilityCode: '1001', charter: null, earlierDialogues: [] });
    await recordCharter(deps, input({ dialogueDate: '2025-11-20' }), 'Thandi (editor)');
    const r = await recordCharter(deps, input(), 'Thandi (editor)');
    if (!r.ok) throw new Error('not recorded');
    await addProgressUpdate(deps, r.charter.id, { note: 'Committee met on 8 May' }, 0, 'Thandi (editor)');
    await addProgressUpdate(deps, r.charter.id, { actionId: 'a1', note: 'Interviews held' }, 1, 'Thandi (editor)');
    const view = await charterForFacility(deps, '1001');
    expect(view.earlierDialogues).toEqual(['2025-11-20']);
    expect(view.charter).toMatchObject({
      dialogueDate: '2026-04-02',
      attendedTotal: 36,
      overdueCount: 1,
      statusCounts: { planned: 1, in_progress: 1, done: 1, dropped: 0 },
      progress: [{ date: '2026-05-10', note: 'Committee met on 8 May' }],
    });
    expect(view.charter!.actions[0]).toEqual({
      title: 'Second triage nurse on Mondays',
      owner: 'Facility in-charge',
      dueDate: '2026-05-09',
      status: 'planned',
      droppedReason: null,
      overdue: true,
      linkedCases: 1,
      progress: [{ date: '2026-05-10', note: 'Interviews held', status: null }],
    });
    const text = JSON.stringify(view);
    expect(text).not.toContain('K7M3');
    expect(text).not.toContain('Thandi');
  });
});
