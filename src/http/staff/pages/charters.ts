import type { Request, Response } from 'express';
import { z } from 'zod';
import { actorName, facilityScope, hasRole, mayReadFacility, mayWriteFacility } from '../auth.js';
import type { StaffContext } from '../context.js';
import { html } from '../html.js';
import { csrfField, fieldErrors, fmtDate, forbiddenPage, notice, notFoundPage, page } from '../layout.js';
import type { StaffRegistry } from '../registry.js';
import { addProgressUpdate, changeActionStatus, editCharter, recordCharter, type CharterWrite } from '../../../app/charters/record-charter.js';
import { charterForStaff, chartersOfFacility, type StaffCharter } from '../../../app/charters/charter-views.js';
import { CharterInput, ProgressInput, StatusChangeInput } from '../../../app/charters/charter-input.js';
import type { FieldError } from '../../../app/facilities/facility-admin.js';
import type { Facility } from '../../../storage/ports.js';
import { CHARTER_ACTION_STATUSES } from '../../../storage/charter-ports.js';
import { FACILITY_CODE } from '../../../engine/codes.js';
import { countedNoun } from '../../../text/messages.js';

/**
 * Commitment charters in the console and the staff API: a facility's charters, recording
 * and editing one, progress updates and action status changes. Handlers only read forms
 * and call the use cases in src/app/charters.
 */

/*
 * Who may read and write: the routes let every signed-in role through, and each handler asks
 * about the charter's facility: editors and above write every facility's charters, viewers
 * read them, and a facility manager reads and writes its own facilities' only.
 */

const CodeParam = z.string().regex(FACILITY_CODE);
const CharterId = z.string().regex(/^ch-[0-9a-f]{12}$/);
const ActionId = z.string().regex(/^a\d{1,4}$/);
const ROWS_EXTRA = 2;
const STATUS_LABEL: Record<string, string> = { planned: 'Planned', in_progress: 'In progress', done: 'Done', dropped: 'Dropped' };

export const CharterBody = CharterInput.omit({ facilityCode: true });
export const CharterEditBody = CharterBody.extend({ revision: z.number().int().min(0) });
export const ProgressBody = ProgressInput.extend({ revision: z.number().int().min(0) });
export const StatusBody = StatusChangeInput.extend({ revision: z.number().int().min(0) });

type FormAction = { id: string; title: string; owner: string; dueDate: string; status: string; droppedReason: string; caseReferences: string };
type CharterForm = { dialogueDate: string; attendance: Array<{ group: string; count: string }>; topIssues: Array<{ issue: string; votes: string }>; actions: FormAction[] };

/** Reads the charter form: rows come as g<i>_group, i<i>_issue, a<i>_title ...; fully empty rows are ignored. */
export function readCharterForm(body: Record<string, unknown>): CharterForm & { input: unknown } {
  const s = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
  const rows = <T>(read: (i: number) => T, filled: (row: T) => boolean) => Array.from({ length: 50 }, (_, i) => read(i)).filter(filled);
  const attendance = rows(
    (i) => ({ group: s(`g${i}_group`), count: s(`g${i}_count`) }),
    (r) => Boolean(r.group || r.count),
  );
  const topIssues = rows(
    (i) => ({ issue: s(`i${i}_issue`), votes: s(`i${i}_votes`) }),
    (r) => Boolean(r.issue || r.votes),
  );
  const actions = rows(
    (i) => ({
      id: s(`a${i}_id`),
      title: s(`a${i}_title`),
      owner: s(`a${i}_owner`),
      dueDate: s(`a${i}_due`),
      status: s(`a${i}_status`) || 'planned',
      droppedReason: s(`a${i}_reason`),
      caseReferences: s(`a${i}_cases`),
    }),
    (r) => Boolean(r.title || r.owner || r.dueDate || r.caseReferences),
  );
  const form = { dialogueDate: s('dialogueDate'), attendance, topIssues, actions };
  return {
    ...form,
    input: {
      dialogueDate: form.dialogueDate,
      attendance: attendance.map((g) => ({ group: g.group, count: g.count })),
      topIssues: topIssues.map((t) => ({ issue: t.issue, votes: t.votes === '' ? null : t.votes })),
      actions: actions.map((a) => ({
        ...(a.id ? { id: a.id } : {}),
        title: a.title,
        owner: a.owner,
        dueDate: a.dueDate,
        status: a.status,
        droppedReason: a.droppedReason || null,
        caseReferences: a.caseReferences
          .split(/[,;\n]+/)
          .map((r) => r.trim())
          .filter(Boolean),
      })),
    },
  };
}

const formOf = (c: StaffCharter): CharterForm => ({
  dialogueDate: c.dialogueDate,
  attendance: c.attendance.map((g) => ({ group: g.group, count: String(g.count) })),
  topIssues: c.topIssues.map((t) => ({ issue: t.issue, votes: t.votes === null ? '' : String(t.votes) })),
  actions: c.actions.map((a) => ({
    id: a.id,
    title: a.title,
    owner: a.owner,
    dueDate: a.dueDate,
    status: a.status,
    droppedReason: a.droppedReason ?? '',
    caseReferences: a.caseReferences.join(', '),
  })),
});

export function registerCharterRoutes(reg: StaffRegistry, ctx: StaffContext) {
  const { route } = reg;
  const deps = { storage: ctx.storage, clock: ctx.clock, settings: { timeZone: ctx.timeZone } };
  const by = (req: Request) => actorName(req.principal);
  const send = (res: Response, body: string, status = 200) => res.status(status).type('html').send(body);
  const writeStatus = (r: Extract<CharterWrite, { ok: false }>) => (r.notFound ? 404 : r.conflict ? 409 : 400);
  const facilityOf = async (code: unknown) => {
    const parsed = CodeParam.safeParse(code);
    return parsed.success ? ctx.storage.facilities.findByCode(parsed.data) : null;
  };
  /**
   * Sends 403 and answers true when the principal may not read (or write) this facility's
   * charters; with no facility (before looking one up), when it may write none at all.
   */
  const refused = (req: Request, res: Response, code: string | null, write: boolean, kind: 'page' | 'api') => {
    const p = req.principal!;
    const allowed = code === null ? (facilityScope(p)?.length ?? (hasRole(p, 'editor') ? 1 : 0)) > 0 : write ? mayWriteFacility(p, code) : mayReadFacility(p, code);
    if (allowed) return false;
    const message = write
      ? `Recording and changing charters needs the editor role, or to be a manager of ${code === null ? 'the facility' : `facility ${code}`}`
      : `Facility ${code} is not one of yours`;
    if (kind === 'page') send(res, forbiddenPage(req, message), 403);
    else res.status(403).json({ error: message });
    return true;
  };
  const charterOf = async (id: unknown) => {
    const parsed = CharterId.safeParse(id);
    return parsed.success ? charterForStaff(deps, parsed.data) : null;
  };

  function charterForm(req: Request, facility: Facility, values: CharterForm, target: { action: string; revision?: number }, errors: FieldError[] = []) {
    const groups = [...values.attendance, ...Array.from({ length: ROWS_EXTRA }, () => ({ group: '', count: '' }))];
    const issues = [...values.topIssues, ...Array.from({ length: ROWS_EXTRA }, () => ({ issue: '', votes: '' }))];
    const actions = [...values.actions, ...Array.from({ length: ROWS_EXTRA }, () => ({ id: '', title: '', owner: '', dueDate: '', status: 'planned', droppedReason: '', caseReferences: '' }))];
    return html`${fieldErrors(errors)}
<form method="post" action="${target.action}" class="stack">${csrfField(req)}${target.revision === undefined ? '' : html`<input type="hidden" name="revision" value="${target.revision}">`}
<div><label for="c-date">Date of the community dialogue</label><input id="c-date" name="dialogueDate" type="date" value="${values.dialogueDate}" required></div>
<table><caption>Who attended: counts by group, never names (e.g. community members, health committee, facility staff). Leave a row empty to remove it.</caption>
<thead><tr><th scope="col">Group</th><th scope="col">How many</th></tr></thead><tbody>
${groups.map(
  (g, i) => html`<tr><td><label class="visually-hidden" for="g${i}-group">Group ${i + 1}</label><input id="g${i}-group" name="g${i}_group" type="text" maxlength="60" value="${g.group}"></td>
<td><label class="visually-hidden" for="g${i}-count">Group ${i + 1}: how many</label><input id="g${i}-count" name="g${i}_count" type="number" min="0" value="${g.count}"></td></tr>`,
)}</tbody></table>
<table><caption>Top issues voted, most votes first</caption>
<thead><tr><th scope="col">Issue</th><th scope="col">Votes (if counted)</th></tr></thead><tbody>
${issues.map(
  (t, i) => html`<tr><td><label class="visually-hidden" for="i${i}-issue">Issue ${i + 1}</label><input id="i${i}-issue" name="i${i}_issue" type="text" maxlength="200" value="${t.issue}"></td>
<td><label class="visually-hidden" for="i${i}-votes">Issue ${i + 1}: votes</label><input id="i${i}-votes" name="i${i}_votes" type="number" min="0" value="${t.votes}"></td></tr>`,
)}</tbody></table>
<table><caption>Actions agreed. A dropped action needs a reason. Cases: references such as K7M3-P9QX-AB, separated by commas.</caption>
<thead><tr><th scope="col">Action</th><th scope="col">Owner</th><th scope="col">Due</th><th scope="col">Status</th><th scope="col">Reason if dropped</th><th scope="col">Cases it answers</th></tr></thead><tbody>
${actions.map(
  (
    a,
    i,
  ) => html`<tr><td><input type="hidden" name="a${i}_id" value="${a.id}"><label class="visually-hidden" for="a${i}-title">Action ${i + 1}</label><input id="a${i}-title" name="a${i}_title" type="text" maxlength="200" value="${a.title}"></td>
<td><label class="visually-hidden" for="a${i}-owner">Action ${i + 1}: owner</label><input id="a${i}-owner" name="a${i}_owner" type="text" maxlength="100" value="${a.owner}"></td>
<td><label class="visually-hidden" for="a${i}-due">Action ${i + 1}: due date</label><input id="a${i}-due" name="a${i}_due" type="date" value="${a.dueDate}"></td>
<td><label class="visually-hidden" for="a${i}-status">Action ${i + 1}: status</label><select id="a${i}-status" name="a${i}_status">${CHARTER_ACTION_STATUSES.map((st) => html`<option value="${st}"${st === a.status ? html` selected` : ''}>${STATUS_LABEL[st]}</option>`)}</select></td>
<td><label class="visually-hidden" for="a${i}-reason">Action ${i + 1}: reason if dropped</label><input id="a${i}-reason" name="a${i}_reason" type="text" maxlength="500" value="${a.droppedReason}"></td>
<td><label class="visually-hidden" for="a${i}-cases">Action ${i + 1}: case references</label><input id="a${i}-cases" name="a${i}_cases" type="text" value="${a.caseReferences}"></td></tr>`,
)}</tbody></table>
<p><button type="submit">Save charter</button> <a href="/staff/facilities/${facility.code}/charters">Cancel</a></p>
</form>`;
  }

  function charterPage(req: Request, facility: Facility, c: StaffCharter, errors: FieldError[] = [], flash = '') {
    const writer = mayWriteFacility(req.principal!, facility.code);
    const history = (updates: StaffCharter['updates']) =>
      updates.length
        ? html`<ol class="history">${updates.map((u) => html`<li><time datetime="${u.at.toISOString()}">${fmtDate(u.at, ctx.timeZone)}</time>, ${u.by}: ${u.status ? html`<strong>${STATUS_LABEL[u.status]}</strong>${u.note ? '. ' : ''}` : ''}${u.note}</li>`)}</ol>`
        : html`<p>No updates yet.</p>`;
    return page(
      { title: `Charter of ${facility.name}, ${c.dialogueDate}`, req, current: '/staff/facilities' },
      html`${flash ? notice('ok', flash) : ''}${fieldErrors(errors)}
<p><a href="/staff/facilities/${facility.code}/charters">All charters of ${facility.name}</a>${writer ? html` · <a href="/staff/charters/${c.id}/edit">Edit the charter</a>` : ''}</p>
<p>Last saved ${fmtDate(c.updatedAt, ctx.timeZone)} by ${c.updatedBy}. ${c.overdueCount ? html`<strong class="status-bad">${c.overdueCount} overdue</strong>` : 'Nothing overdue.'}</p>
<h2>Who attended</h2>
<ul>${c.attendance.map((g) => html`<li>${g.group}: ${g.count}</li>`)}</ul>
<h2>Top issues voted</h2>
<ol>${c.topIssues.map((t) => html`<li>${t.issue}${t.votes === null ? '' : ` (${t.votes} votes)`}</li>`)}</ol>
<h2>Actions</h2>
${c.actions.map(
  (a) => html`<section class="charter-action"><h3>${a.title}</h3>
<p>Owner: ${a.owner}. Due ${a.dueDate}. Status: <strong>${STATUS_LABEL[a.status]}</strong>${a.droppedReason ? ` (${a.droppedReason})` : ''}${a.overdue ? html` <strong class="status-bad">Overdue</strong>` : ''}</p>
${a.caseReferences.length ? html`<p>Cases: ${a.caseReferences.join(', ')}</p>` : ''}
${history(a.history)}
${
  writer
    ? html`<form method="post" action="/staff/charters/${c.id}/actions/${a.id}/status" class="row">${csrfField(req)}<input type="hidden" name="revision" value="${c.revision}">
<div><label for="${a.id}-status">New status</label><select id="${a.id}-status" name="status">${CHARTER_ACTION_STATUSES.map((st) => html`<option value="${st}"${st === a.status ? html` selected` : ''}>${STATUS_LABEL[st]}</option>`)}</select></div>
<div><label for="${a.id}-reason">Reason (required to drop)</label><input id="${a.id}-reason" name="droppedReason" type="text" maxlength="500"></div>
<div><label for="${a.id}-note">Note</label><input id="${a.id}-note" name="note" type="text" maxlength="1000"></div>
<div><button type="submit">Change status</button></div></form>`
    : ''
}</section>`,
)}
<h2>Progress updates on the charter as a whole</h2>
${history(c.charterNotes)}
${
  writer
    ? html`<h2>Add a progress update</h2>
<form method="post" action="/staff/charters/${c.id}/progress" class="stack">${csrfField(req)}<input type="hidden" name="revision" value="${c.revision}">
<label for="p-action">About</label><select id="p-action" name="actionId"><option value="">The charter as a whole</option>${c.actions.map((a) => html`<option value="${a.id}">${a.title}</option>`)}</select>
<label for="p-note">What happened</label><textarea id="p-note" name="note" rows="3" maxlength="1000" required></textarea>
<button type="submit">Add update</button></form>`
    : ''
}`,
    );
  }

  // console pages

  route({ method: 'get', path: '/staff/facilities/:code/charters', role: 'facility_manager', kind: 'page', summary: "A facility's commitment charters" }, async (req, res) => {
    const facility = await facilityOf(req.params.code);
    if (!facility) return send(res, notFoundPage(req, 'No such facility.'), 404);
    if (refused(req, res, facility.code, false, 'page')) return;
    const charters = await chartersOfFacility(deps, facility.code);
    const writer = mayWriteFacility(req.principal!, facility.code);
    send(
      res,
      page(
        { title: `Commitment charters of ${facility.name}`, req, current: '/staff/facilities' },
        html`<p>What the facility and its community agreed at each dialogue, and how it is going. The latest charter is shown on the facility's public page.</p>
<p><a href="/staff/facilities/${facility.code}">Facility ${facility.code}</a>${writer ? html` · <a href="/staff/facilities/${facility.code}/charters/new">Record a charter</a>` : ''}</p>
${
  charters.length
    ? html`<table><caption>${countedNoun(charters.length, 'charter')}, latest dialogue first</caption><thead><tr><th scope="col">Dialogue</th><th scope="col">Actions</th><th scope="col">Overdue</th><th scope="col">Last saved</th></tr></thead><tbody>
${charters.map((c) => html`<tr><td><a href="/staff/charters/${c.id}">${c.dialogueDate}</a></td><td>${c.actions}</td><td>${c.overdue ? html`<strong class="status-bad">${c.overdue}</strong>` : '0'}</td><td>${fmtDate(c.updatedAt, ctx.timeZone)}, ${c.updatedBy}</td></tr>`)}</tbody></table>`
    : html`<p>No charter recorded yet.</p>`
}`,
      ),
    );
  });

  const blank: CharterForm = { dialogueDate: '', attendance: [], topIssues: [], actions: [] };
  route({ method: 'get', path: '/staff/facilities/:code/charters/new', role: 'facility_manager', kind: 'page', summary: 'Form to record a charter' }, async (req, res) => {
    if (refused(req, res, null, true, 'page')) return;
    const facility = await facilityOf(req.params.code);
    if (!facility) return send(res, notFoundPage(req, 'No such facility.'), 404);
    if (refused(req, res, facility.code, true, 'page')) return;
    send(
      res,
      page({ title: `Record a charter for ${facility.name}`, req, current: '/staff/facilities' }, charterForm(req, facility, blank, { action: `/staff/facilities/${facility.code}/charters` })),
    );
  });

  route({ method: 'post', path: '/staff/facilities/:code/charters', role: 'facility_manager', kind: 'page', summary: 'Record a charter' }, async (req, res) => {
    if (refused(req, res, null, true, 'page')) return;
    const facility = await facilityOf(req.params.code);
    if (!facility) return send(res, notFoundPage(req, 'No such facility.'), 404);
    if (refused(req, res, facility.code, true, 'page')) return;
    const form = readCharterForm(req.body ?? {});
    const result = await recordCharter(deps, { ...(form.input as object), facilityCode: facility.code }, by(req));
    if (!result.ok)
      return send(
        res,
        page(
          { title: `Record a charter for ${facility.name}`, req, current: '/staff/facilities' },
          charterForm(req, facility, form, { action: `/staff/facilities/${facility.code}/charters` }, result.errors),
        ),
        400,
      );
    res.redirect(303, `/staff/charters/${result.charter.id}?saved=1`);
  });

  route({ method: 'get', path: '/staff/charters/:id', role: 'facility_manager', kind: 'page', summary: 'One charter: actions, status and history' }, async (req, res) => {
    const c = await charterOf(req.params.id);
    const facility = c && (await ctx.storage.facilities.findByCode(c.facilityCode));
    if (!c || !facility) return send(res, notFoundPage(req, 'No such charter.'), 404);
    if (refused(req, res, facility.code, false, 'page')) return;
    send(res, charterPage(req, facility, c, [], req.query.saved ? 'Saved.' : ''));
  });

  route({ method: 'get', path: '/staff/charters/:id/edit', role: 'facility_manager', kind: 'page', summary: 'Form to edit a charter' }, async (req, res) => {
    if (refused(req, res, null, true, 'page')) return;
    const c = await charterOf(req.params.id);
    const facility = c && (await ctx.storage.facilities.findByCode(c.facilityCode));
    if (!c || !facility) return send(res, notFoundPage(req, 'No such charter.'), 404);
    if (refused(req, res, facility.code, true, 'page')) return;
    send(
      res,
      page({ title: `Edit the charter of ${facility.name}`, req, current: '/staff/facilities' }, charterForm(req, facility, formOf(c), { action: `/staff/charters/${c.id}`, revision: c.revision })),
    );
  });

  route({ method: 'post', path: '/staff/charters/:id', role: 'facility_manager', kind: 'page', summary: 'Save an edited charter' }, async (req, res) => {
    if (refused(req, res, null, true, 'page')) return;
    const c = await charterOf(req.params.id);
    const facility = c && (await ctx.storage.facilities.findByCode(c.facilityCode));
    if (!c || !facility) return send(res, notFoundPage(req, 'No such charter.'), 404);
    if (refused(req, res, facility.code, true, 'page')) return;
    const form = readCharterForm(req.body ?? {});
    const result = await editCharter(deps, c.id, { ...(form.input as object), facilityCode: c.facilityCode }, req.body?.revision, by(req));
    if (!result.ok)
      return send(
        res,
        page(
          { title: `Edit the charter of ${facility.name}`, req, current: '/staff/facilities' },
          charterForm(req, facility, form, { action: `/staff/charters/${c.id}`, revision: c.revision }, result.errors),
        ),
        writeStatus(result),
      );
    res.redirect(303, `/staff/charters/${c.id}?saved=1`);
  });

  route({ method: 'post', path: '/staff/charters/:id/progress', role: 'facility_manager', kind: 'page', summary: 'Add a progress update' }, async (req, res) => {
    if (refused(req, res, null, true, 'page')) return;
    const c = await charterOf(req.params.id);
    const facility = c && (await ctx.storage.facilities.findByCode(c.facilityCode));
    if (!c || !facility) return send(res, notFoundPage(req, 'No such charter.'), 404);
    if (refused(req, res, facility.code, true, 'page')) return;
    const body = req.body ?? {};
    const result = await addProgressUpdate(deps, c.id, { actionId: body.actionId || null, note: body.note }, body.revision, by(req));
    if (!result.ok) return send(res, charterPage(req, facility, c, result.errors), writeStatus(result));
    res.redirect(303, `/staff/charters/${c.id}?saved=1`);
  });

  route({ method: 'post', path: '/staff/charters/:id/actions/:actionId/status', role: 'facility_manager', kind: 'page', summary: "Change an action's status" }, async (req, res) => {
    if (refused(req, res, null, true, 'page')) return;
    const c = await charterOf(req.params.id);
    const facility = c && (await ctx.storage.facilities.findByCode(c.facilityCode));
    const actionId = ActionId.safeParse(req.params.actionId);
    if (!c || !facility || !actionId.success) return send(res, notFoundPage(req, 'No such charter or action.'), 404);
    if (refused(req, res, facility.code, true, 'page')) return;
    const body = req.body ?? {};
    const result = await changeActionStatus(deps, c.id, actionId.data, { status: body.status, droppedReason: body.droppedReason || null, note: body.note || null }, body.revision, by(req));
    if (!result.ok) return send(res, charterPage(req, facility, c, result.errors), writeStatus(result));
    res.redirect(303, `/staff/charters/${c.id}?saved=1`);
  });

  // staff API (JSON): the same use cases

  const answer = (res: Response, result: CharterWrite, created = false) => {
    if (result.ok) return void res.status(created ? 201 : 200).json(result.charter);
    res.status(writeStatus(result)).json({ error: result.errors.map((e) => `${e.field}: ${e.message}`).join('; '), fields: result.errors });
  };

  route(
    { method: 'get', path: '/api/v1/facilities/:code/charters', role: 'facility_manager', kind: 'api', tag: 'charters', summary: "A facility's charters, latest dialogue first" },
    async (req, res) => {
      const facility = await facilityOf(req.params.code);
      if (!facility) return void res.status(404).json({ error: 'no such facility' });
      if (refused(req, res, facility.code, false, 'api')) return;
      res.json({ facilityCode: facility.code, charters: await chartersOfFacility(deps, facility.code) });
    },
  );

  route(
    {
      method: 'post',
      path: '/api/v1/facilities/:code/charters',
      role: 'facility_manager',
      kind: 'api',
      tag: 'charters',
      summary: 'Record a charter agreed at a community dialogue',
      body: { type: 'json', schema: CharterBody },
    },
    async (req, res) => {
      if (refused(req, res, null, true, 'api')) return;
      const facility = await facilityOf(req.params.code);
      if (!facility) return void res.status(404).json({ error: 'no such facility' });
      if (refused(req, res, facility.code, true, 'api')) return;
      answer(res, await recordCharter(deps, { ...(req.body ?? {}), facilityCode: facility.code }, by(req)), true);
    },
  );

  route(
    { method: 'get', path: '/api/v1/charters/:id', role: 'facility_manager', kind: 'api', tag: 'charters', summary: 'One charter with overdue marks and each action’s history' },
    async (req, res) => {
      const c = await charterOf(req.params.id);
      if (!c) return void res.status(404).json({ error: 'no such charter' });
      if (refused(req, res, c.facilityCode, false, 'api')) return;
      res.json(c);
    },
  );

  route(
    {
      method: 'put',
      path: '/api/v1/charters/:id',
      role: 'facility_manager',
      kind: 'api',
      tag: 'charters',
      summary: 'Replace what a charter records (compare-and-set on revision)',
      body: { type: 'json', schema: CharterEditBody },
    },
    async (req, res) => {
      if (refused(req, res, null, true, 'api')) return;
      const c = await charterOf(req.params.id);
      if (!c) return void res.status(404).json({ error: 'no such charter' });
      if (refused(req, res, c.facilityCode, true, 'api')) return;
      const { revision, ...input } = (req.body ?? {}) as Record<string, unknown>;
      answer(res, await editCharter(deps, c.id, { ...input, facilityCode: c.facilityCode }, revision, by(req)));
    },
  );

  route(
    {
      method: 'post',
      path: '/api/v1/charters/:id/progress',
      role: 'facility_manager',
      kind: 'api',
      tag: 'charters',
      summary: 'Add a dated progress update',
      body: { type: 'json', schema: ProgressBody },
    },
    async (req, res) => {
      if (refused(req, res, null, true, 'api')) return;
      const c = await charterOf(req.params.id);
      if (!c) return void res.status(404).json({ error: 'no such charter' });
      if (refused(req, res, c.facilityCode, true, 'api')) return;
      const { revision, ...input } = (req.body ?? {}) as Record<string, unknown>;
      answer(res, await addProgressUpdate(deps, c.id, input, revision, by(req)));
    },
  );

  route(
    {
      method: 'post',
      path: '/api/v1/charters/:id/actions/:actionId/status',
      role: 'facility_manager',
      kind: 'api',
      tag: 'charters',
      summary: "Change an action's status (a reason is required to drop it)",
      body: { type: 'json', schema: StatusBody },
    },
    async (req, res) => {
      if (refused(req, res, null, true, 'api')) return;
      const c = await charterOf(req.params.id);
      const actionId = ActionId.safeParse(req.params.actionId);
      if (!c || !actionId.success) return void res.status(404).json({ error: 'no such charter or action' });
      if (refused(req, res, c.facilityCode, true, 'api')) return;
      const { revision, ...input } = (req.body ?? {}) as Record<string, unknown>;
      answer(res, await changeActionStatus(deps, c.id, actionId.data, input, revision, by(req)));
    },
  );
}
