import type { Request, Response } from 'express';
import { z } from 'zod';
import { actorName, hasRole } from '../auth.js';
import type { StaffContext } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField, fieldErrors, notice, notFoundPage, page } from '../layout.js';
import type { StaffRegistry } from '../registry.js';
import {
  addDistrict,
  createFacility,
  FacilitySearch,
  searchFacilities,
  type FacilityPage,
  knownDistricts,
  liveQuestionnaireFor,
  setFacilityActive,
  updateFacility,
  type FieldError,
} from '../../../app/facilities/facility-admin.js';
import { FACILITY_CSV_COLUMNS } from '../../../app/facilities/facility-registry.js';
import { FacilityTypeCode, facilityTypeNames, facilityTypeUses } from '../../../app/facilities/facility-types.js';
import type { Facility } from '../../../storage/ports.js';
import { FACILITY_CODE, FACILITY_CODE_PATTERN } from '../../../engine/codes.js';
import { countedNoun } from '../../../text/messages.js';
import { pinViews, removeManagerPin, setManagerPin, type PinWrite } from '../../../app/cases/manager-pin.js';

/** Facilities and managers: list, create, edit, deactivate, import (dry run first), export, districts. */

const CodeParam = z.string().regex(FACILITY_CODE);
/** A manager as the PIN routes name them: their place in the facility's list, from 0. */
const ManagerParams = z.object({ code: z.string().regex(FACILITY_CODE), index: z.coerce.number().int().min(0).max(99) });
const MANAGER_ROWS_EXTRA = 1;

type FormValues = { code: string; name: string; type: string; district: string; active: boolean; managers: Array<{ name: string; phone: string; language: string; role: string }> };

/** Reads the facility form: managers come as m<i>_name, m<i>_phone, ...; fully empty manager rows are ignored. */
export function readFacilityForm(body: Record<string, unknown>): FormValues & { input: unknown } {
  const s = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
  const managers: FormValues['managers'] = [];
  for (let i = 0; i < 20; i++) {
    const m = { name: s(`m${i}_name`), phone: s(`m${i}_phone`), language: s(`m${i}_language`), role: s(`m${i}_role`) || 'facility' };
    if (m.name || m.phone) managers.push(m);
  }
  const values = { code: s('code'), name: s('name'), type: s('type'), district: s('district'), active: body.active === 'on' || body.active === 'true', managers };
  return { ...values, input: { ...values, managers: managers.map((m) => ({ ...m, active: true, optedOut: false })) } };
}

/** Previous and next links that keep the search. */
function pager(found: FacilityPage) {
  if (found.pages <= 1) return html``;
  const link = (p: number) => `/staff/facilities?${new URLSearchParams({ ...(found.q ? { q: found.q } : {}), page: String(p) })}`;
  return html`<nav aria-label="Pages of facilities" class="pager"><p>${found.page > 1 ? html`<a href="${link(found.page - 1)}" rel="prev">← Previous page</a>` : ''} Page ${found.page} of ${found.pages} ${
    found.page < found.pages ? html`<a href="${link(found.page + 1)}" rel="next">Next page →</a>` : ''
  }</p></nav>`;
}

export function registerFacilityPages(reg: StaffRegistry, ctx: StaffContext) {
  const { route } = reg;
  const registry = { storage: ctx.storage, clock: ctx.clock, languages: ctx.languages, defaultCountry: ctx.defaultCountry };
  const by = (req: Request) => actorName(req.principal);
  const send = (res: Response, body: string, status = 200) => res.status(status).type('html').send(body);

  async function facilityForm(req: Request, values: FormValues, mode: 'new' | 'edit', errors: FieldError[] = []) {
    const uses = (await facilityTypeUses(ctx.storage)).filter((u) => u.type);
    // a facility whose type was never added keeps it on screen, so saving names the problem instead of changing the type
    const types = values.type && !uses.some((u) => u.code === values.type) ? [...uses.map((u) => u.code), values.type] : uses.map((u) => u.code);
    const typeLabel = (code: string) => {
      const name = uses.find((u) => u.code === code)?.type?.names[ctx.defaultLanguage]?.name;
      return name ? `${name} (${code})` : `${code} (not an added type)`;
    };
    const notServed = uses.filter((u) => !u.live);
    const districts = await knownDistricts(ctx.storage);
    const rows = [...values.managers, ...Array.from({ length: MANAGER_ROWS_EXTRA }, () => ({ name: '', phone: '', language: ctx.defaultLanguage, role: 'facility' }))];
    const action = mode === 'new' ? '/staff/facilities' : `/staff/facilities/${values.code}`;
    return html`${fieldErrors(errors)}
<form method="post" action="${action}" class="stack">${csrfField(req)}
<div class="row">
<div><label for="f-code">Code (3 to 8 digits; respondents type it)</label><input id="f-code" name="code" type="text" inputmode="numeric" pattern="${FACILITY_CODE_PATTERN}" value="${values.code}" required${mode === 'edit' ? html` readonly` : ''}></div>
<div><label for="f-name">Name</label><input id="f-name" name="name" type="text" maxlength="40" value="${values.name}" required></div>
<div><label for="f-type">Type (kind of service)</label><select id="f-type" name="type" aria-describedby="f-type-note">${types.map((t) => html`<option value="${t}"${t === values.type ? html` selected` : ''}>${typeLabel(t)}</option>`)}</select></div>
<div><label for="f-district">District</label><select id="f-district" name="district">${districts.map((d) => html`<option${d === values.district ? html` selected` : ''}>${d}</option>`)}</select></div>
<div><label for="f-active"><input id="f-active" name="active" type="checkbox"${values.active ? html` checked` : ''}> Active (respondents can report on it)</label></div>
</div>
<p id="f-type-note" class="meta">${
      notServed.length
        ? html`No live questionnaire serves ${notServed.map((u, i) => html`${i ? ', ' : ''}<strong>${typeLabel(u.code)}</strong>`)} yet: a facility of ${notServed.length === 1 ? 'that type' : 'those types'} can be added now, and citizens can report on it once a questionnaire for its type is published (until then, dialling its code says there is no survey for it). `
        : ''
    }A kind of service not listed here is added on the <a href="/staff/facility-types">Facility types</a> page.</p>
<table class="cards"><caption>Managers (they receive the SMS scorecard). Leave a row empty to remove it.</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Phone (e.g. +27821234567; without +country code read as ${ctx.defaultCountry})</th><th scope="col">Language</th><th scope="col">Role</th></tr></thead><tbody>
${rows.map(
  (m, i) => html`<tr><td data-label="Name"><label class="visually-hidden" for="m${i}-name">Manager ${i + 1} name</label><input id="m${i}-name" name="m${i}_name" type="text" value="${m.name}"></td>
<td data-label="Phone (+country code)"><label class="visually-hidden" for="m${i}-phone">Manager ${i + 1} phone</label><input id="m${i}-phone" name="m${i}_phone" type="text" inputmode="tel" value="${m.phone}"></td>
<td data-label="Language"><label class="visually-hidden" for="m${i}-language">Manager ${i + 1} language</label><select id="m${i}-language" name="m${i}_language">${ctx.languages.map((l) => html`<option${l === m.language ? html` selected` : ''}>${l}</option>`)}</select></td>
<td data-label="Role"><label class="visually-hidden" for="m${i}-role">Manager ${i + 1} role</label><select id="m${i}-role" name="m${i}_role">${['facility', 'district'].map((r) => html`<option${r === m.role ? html` selected` : ''}>${r}</option>`)}</select></td></tr>`,
)}</tbody></table>
<p><button type="submit">${mode === 'new' ? 'Add facility' : 'Save facility'}</button> <a href="/staff/facilities">Cancel</a></p>
</form>`;
  }

  const blank = (type = ''): FormValues => ({ code: '', name: '', type, district: '', active: true, managers: [] });
  const valuesOf = (f: Facility): FormValues => ({ ...f, managers: f.managers.map((m) => ({ name: m.name, phone: m.phone, language: m.language, role: m.role })) });

  route({ method: 'get', path: '/staff/facilities', role: 'viewer', kind: 'page', summary: 'Facilities and managers' }, async (req, res) => {
    const found = await searchFacilities(ctx.storage, FacilitySearch.parse({ q: req.query.q, page: req.query.page }));
    const typeName = await facilityTypeNames(ctx.storage, ctx.defaultLanguage, ctx.defaultLanguage);
    const facilities = found.items;
    const districts = await knownDistricts(ctx.storage);
    const editor = hasRole(req.principal!, 'editor');
    const admin = hasRole(req.principal!, 'admin');
    const savedCode = CodeParam.safeParse(req.query.saved);
    const saved = savedCode.success ? await ctx.storage.facilities.findByCode(savedCode.data) : null;
    const flash = saved
      ? notice(
          'ok',
          (await liveQuestionnaireFor(ctx.storage, saved.type))
            ? `Saved facility ${saved.code}.`
            : html`Saved facility ${saved.code}. No live questionnaire serves its type (${typeName(saved.type)}) yet: citizens who dial ${saved.code} are told there is no survey for it until one is published. <a href="/staff/facility-types/${saved.type}">See the type</a>.`,
        )
      : '';
    send(
      res,
      page(
        { title: 'Facilities', req, current: '/staff/facilities', scripts: editor ? ['import.js'] : [] },
        html`${flash}
<p><a href="/api/v1/facilities/export" download>Download the registry as CSV</a>${editor ? html` · <a href="/staff/facilities/new">Add a facility</a>` : ''}</p>
<form method="get" action="/staff/facilities" class="row" role="search"><div><label for="facility-q">Search by code, name or district</label><input id="facility-q" name="q" type="search" value="${found.q}" maxlength="60"></div><div><button type="submit">Search</button>${found.q ? html` <a href="/staff/facilities">Show all</a>` : ''}</div></form>
<div id="facility-list">
<table class="cards"><caption>${found.q ? `${found.matching} of ${found.total} facilities match "${found.q}"` : countedNoun(found.total, 'facility', 'facilities')}${found.pages > 1 ? ` · page ${found.page} of ${found.pages}` : ''}</caption><thead><tr><th scope="col">Code</th><th scope="col">Name</th><th scope="col">Type</th><th scope="col">District</th><th scope="col">Managers</th><th scope="col">Status</th>${editor ? html`<th scope="col">Actions</th>` : ''}</tr></thead><tbody>
${facilities.map(
  (
    f,
  ) => html`<tr><td data-label="Code">${f.code}</td><td data-label="Name"><a href="/staff/facilities/${f.code}">${f.name}</a></td><td data-label="Type">${typeName(f.type)}</td><td data-label="District">${f.district}</td><td data-label="Managers">${f.managers.map((m) => html`${m.name} (${m.language}, ${m.role})<br>`)}</td><td data-label="Status">${f.active ? 'active' : html`<span class="status-bad">inactive</span>`}</td>
${
  editor
    ? html`<td data-label="Actions">${
        f.active
          ? html`<form method="post" action="/staff/facilities/${f.code}/deactivate">${csrfField(req)}<button type="submit" class="secondary" aria-label="Deactivate ${f.name}">Deactivate</button></form>`
          : html`<form method="post" action="/staff/facilities/${f.code}/activate">${csrfField(req)}<button type="submit" class="secondary" aria-label="Reactivate ${f.name}">Reactivate</button></form>`
      }</td>`
    : ''
}</tr>`,
)}</tbody></table>
${found.matching === 0 ? html`<p>No facility matches. Search for part of a code, a name or a district.</p>` : ''}
${pager(found)}
</div>
${
  editor
    ? html`<h2>Import from CSV</h2>
<p>Columns: <code>${FACILITY_CSV_COLUMNS.join(',')}</code>. One row per facility and manager. The <code>type</code> column holds the code of a <a href="/staff/facility-types">facility type</a> (such as clinic or water_point); a type not added there is a row error. Every row is checked first; if any row has a problem, nothing is imported. A facility in the file replaces the stored one with the same code, managers included. Up to 2 MB.</p>
<form id="import-form" class="stack"><label for="import-file">CSV file</label><input id="import-file" name="file" type="file" accept=".csv,text/csv" required>
<label for="import-dry"><input id="import-dry" name="dryRun" type="checkbox" checked> Dry run: check only, write nothing</label>
<button type="submit">Check and import</button></form>
<div id="import-result" role="status" aria-live="polite"></div>`
    : ''
}
<h2>Districts</h2>
<p>Known districts: ${districts.join(', ') || 'none yet'}. A facility (or an imported row) must name one of them.</p>
${
  admin
    ? html`<form method="post" action="/staff/districts" class="row">${csrfField(req)}<div><label for="district-name">Add a district</label><input id="district-name" name="name" type="text" required maxlength="60"></div><div><button type="submit">Add district</button></div></form>`
    : ''
}`,
      ),
    );
  });

  route({ method: 'get', path: '/staff/facilities/new', role: 'editor', kind: 'page', summary: 'New facility form' }, async (req, res) => {
    const type = FacilityTypeCode.safeParse(req.query.type);
    send(res, page({ title: 'Add a facility', req, current: '/staff/facilities' }, await facilityForm(req, blank(type.success ? type.data : ''), 'new')));
  });

  route({ method: 'post', path: '/staff/facilities', role: 'editor', kind: 'page', summary: 'Create a facility' }, async (req, res) => {
    const form = readFacilityForm(req.body ?? {});
    const result = await createFacility(registry, form.input, by(req));
    if (!result.ok) return send(res, page({ title: 'Add a facility', req, current: '/staff/facilities' }, await facilityForm(req, form, 'new', result.errors)), 400);
    res.redirect(303, `/staff/facilities?saved=${result.facility.code}`);
  });

  /**
   * The managers' USSD PINs, for admins: whether each has one (or is locked out), a form to set
   * one (typed twice) and a button to remove it. The PIN is never shown, not even masked.
   */
  async function pinSection(req: Request, f: Facility, flash: SafeHtml | string) {
    if (!hasRole(req.principal!, 'admin') || f.managers.length === 0) return html``;
    const views = await pinViews(
      ctx,
      f.managers.map((m) => m.phone),
    );
    const stateOf = (i: number) => {
      const v = views[i]!;
      if (v.state === 'none') return 'no PIN';
      if (v.state === 'set') return 'PIN set';
      return `PIN set; locked out after 5 wrong PINs until ${v.lockedUntil!.toISOString().slice(11, 16)} UTC (setting a new PIN ends the lock-out)`;
    };
    return html`<section id="pins" aria-labelledby="pins-h"><h2 id="pins-h">USSD PINs of the managers</h2>
${flash}
<p>${
      ctx.managerPinRequired
        ? 'This service requires a PIN (MANAGER_PIN_REQUIRED): a manager dialling the USSD code types it before their menu opens. A manager without a PIN is told to ask programme staff for one.'
        : 'This service does not ask for a PIN now (MANAGER_PIN_REQUIRED is off): a PIN set here is asked for once it is turned on.'
    } A PIN is 4 to 6 digits. Three wrong PINs end a call; five in a row lock the number out for 30 minutes. Tell the manager their PIN in person or by phone, never by SMS. A PIN belongs to the number: change a manager's number above and the new number needs a PIN of its own; the old number's PIN is removed once no facility lists that number.</p>
<table class="cards"><caption>Managers and their PINs</caption><thead><tr><th scope="col">Manager</th><th scope="col">PIN</th><th scope="col">Set a new PIN</th><th scope="col">Remove</th></tr></thead><tbody>
${f.managers.map(
  (m, i) => html`<tr><td data-label="Manager">${m.name} (${m.role})</td><td data-label="PIN">${stateOf(i)}</td>
<td data-label="Set a new PIN"><form method="post" action="/staff/facilities/${f.code}/managers/${String(i)}/pin" class="row">${csrfField(req)}<div><label for="pin-${String(i)}">New PIN for ${m.name}</label><input id="pin-${String(i)}" name="pin" type="password" inputmode="numeric" autocomplete="new-password" pattern="[0-9]{4,6}" minlength="4" maxlength="6" required></div><div><label for="pin-${String(i)}-again">The same PIN again</label><input id="pin-${String(i)}-again" name="confirm" type="password" inputmode="numeric" autocomplete="new-password" pattern="[0-9]{4,6}" minlength="4" maxlength="6" required></div><div><button type="submit">Set PIN</button></div></form></td>
<td data-label="Remove">${
    views[i]!.state === 'none'
      ? ''
      : html`<form method="post" action="/staff/facilities/${f.code}/managers/${String(i)}/pin/remove">${csrfField(req)}<button type="submit" class="secondary" aria-label="Remove the PIN of ${m.name}">Remove PIN</button></form>`
  }</td></tr>`,
)}</tbody></table></section>`;
  }

  async function facilityPage(req: Request, f: Facility, pinFlash: SafeHtml | string = '') {
    return page(
      { title: `${f.name} (${f.code})`, req, current: '/staff/facilities' },
      html`<p><a href="/staff/facilities/${f.code}/charters">Commitment charters</a></p>${await facilityForm(req, valuesOf(f), 'edit')}${await pinSection(req, f, pinFlash)}`,
    );
  }

  route({ method: 'get', path: '/staff/facilities/:code', role: 'viewer', kind: 'page', summary: 'One facility (edit form)' }, async (req, res) => {
    const code = CodeParam.safeParse(req.params.code);
    const f = code.success ? await ctx.storage.facilities.findByCode(code.data) : null;
    if (!f) return send(res, notFoundPage(req, 'No such facility.'), 404);
    const done = z.enum(['set', 'removed']).safeParse(req.query.pin);
    const who = z.coerce.number().int().min(0).safeParse(req.query.m);
    const name = who.success ? f.managers[who.data]?.name : undefined;
    send(res, await facilityPage(req, f, done.success && name ? notice('ok', done.data === 'set' ? `Set the PIN of ${name}.` : `Removed the PIN of ${name}.`) : ''));
  });

  /** A PIN set or removed: back to the facility's PINs; a refusal shows the page again with the reason, in words. */
  async function pinAnswer(req: Request, res: Response, code: string, index: number, result: PinWrite, done: 'set' | 'removed') {
    if (result.ok) return void res.redirect(303, `/staff/facilities/${code}?pin=${done}&m=${index}#pins`);
    const f = await ctx.storage.facilities.findByCode(code);
    if (!f || result.notFound) return send(res, notFoundPage(req, result.errors[0]?.message ?? 'No such facility.'), 404);
    send(
      res,
      await facilityPage(req, f, notice('error', html`<p>${done === 'set' ? 'The PIN was not set' : 'Nothing was removed'}:</p><ul>${result.errors.map((e) => html`<li>${e.message}</li>`)}</ul>`)),
      400,
    );
  }

  route({ method: 'post', path: '/staff/facilities/:code/managers/:index/pin', role: 'admin', kind: 'page', summary: "Set a manager's USSD PIN" }, async (req, res) => {
    const p = ManagerParams.safeParse(req.params);
    if (!p.success) return send(res, notFoundPage(req, 'No such manager.'), 404);
    const result = await setManagerPin(ctx, { facilityCode: p.data.code, managerIndex: p.data.index }, { pin: req.body?.pin, confirm: req.body?.confirm }, by(req));
    await pinAnswer(req, res, p.data.code, p.data.index, result, 'set');
  });

  route({ method: 'post', path: '/staff/facilities/:code/managers/:index/pin/remove', role: 'admin', kind: 'page', summary: "Remove a manager's USSD PIN" }, async (req, res) => {
    const p = ManagerParams.safeParse(req.params);
    if (!p.success) return send(res, notFoundPage(req, 'No such manager.'), 404);
    await pinAnswer(req, res, p.data.code, p.data.index, await removeManagerPin(ctx, { facilityCode: p.data.code, managerIndex: p.data.index }, by(req)), 'removed');
  });

  route({ method: 'post', path: '/staff/facilities/:code', role: 'editor', kind: 'page', summary: 'Save a facility' }, async (req, res) => {
    const code = CodeParam.safeParse(req.params.code);
    if (!code.success) return send(res, notFoundPage(req, 'No such facility.'), 404);
    const form = readFacilityForm({ ...(req.body ?? {}), code: code.data });
    const result = await updateFacility(registry, code.data, form.input, by(req));
    if (!result.ok) return send(res, page({ title: `Facility ${code.data}`, req, current: '/staff/facilities' }, await facilityForm(req, form, 'edit', result.errors)), result.notFound ? 404 : 400);
    res.redirect(303, `/staff/facilities?saved=${code.data}`);
  });

  for (const [action, active] of [
    ['deactivate', false],
    ['activate', true],
  ] as const) {
    route({ method: 'post', path: `/staff/facilities/:code/${action}`, role: 'editor', kind: 'page', summary: `${active ? 'Reactivate' : 'Deactivate'} a facility` }, async (req, res) => {
      const code = CodeParam.safeParse(req.params.code);
      if (!code.success || !(await setFacilityActive(registry, code.data, active, by(req)))) return send(res, notFoundPage(req, 'No such facility.'), 404);
      res.redirect(303, `/staff/facilities?saved=${code.data}`);
    });
  }

  route({ method: 'post', path: '/staff/districts', role: 'admin', kind: 'page', summary: 'Add a district' }, async (req, res) => {
    const name = z.string().trim().min(2).max(60).safeParse(req.body?.name);
    if (!name.success) return send(res, page({ title: 'Facilities', req }, notice('error', html`A district name has 2 to 60 characters. <a href="/staff/facilities">Back</a>`)), 400);
    await addDistrict(registry, name.data, by(req));
    res.redirect(303, '/staff/facilities');
  });
}
