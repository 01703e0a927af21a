import type { Request, Response } from 'express';
import { z } from 'zod';
import { actorName, hasRole } from '../auth.js';
import type { StaffContext } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField, fieldErrors, fmtDate, notice, notFoundPage, page } from '../layout.js';
import type { StaffRegistry } from '../registry.js';
import {
  addFacilityType,
  FacilityTypeCode,
  FacilityTypeInput,
  FacilityTypeRename,
  facilityTypeUses,
  renameFacilityType,
  TYPE_NAME_MAX,
  TYPE_PLURAL_MAX,
  type FacilityTypeUse,
  type FieldError,
} from '../../../app/facilities/facility-types.js';
import type { FacilityTypeName } from '../../../storage/ports.js';
import { IDENTIFIER_PATTERN } from '../../../engine/codes.js';

/**
 * Facility types (kinds of service) in the console and the staff API: the list with what
 * uses each type, adding one with its names in every language, changing its names. Editors
 * write, viewers read. Handlers read forms and call the use cases in facility-types.ts.
 */

type TypeForm = { code: string; names: Record<string, FacilityTypeName>; revision: number | null };

/** Reads the type form: the code, and per language n_<lang>_name and n_<lang>_plural. */
export function readFacilityTypeForm(body: Record<string, unknown>, languages: string[]): TypeForm & { input: { code: string; names: Record<string, FacilityTypeName>; revision?: number } } {
  const s = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
  const names = Object.fromEntries(languages.map((l) => [l, { name: s(`n_${l}_name`), plural: s(`n_${l}_plural`) }]));
  const revision = /^\d+$/.test(s('revision')) ? Number(s('revision')) : null;
  return { code: s('code'), names, revision, input: { code: s('code'), names, ...(revision === null ? {} : { revision }) } };
}

export function registerFacilityTypeRoutes(reg: StaffRegistry, ctx: StaffContext) {
  const { route } = reg;
  const languageName = (l: string) => ctx.content.locales[l]?.meta.name ?? l;
  const deps = { storage: ctx.storage, clock: ctx.clock, languages: ctx.languages, defaultLanguage: ctx.defaultLanguage, languageName };
  const by = (req: Request) => actorName(req.principal);
  const send = (res: Response, body: string, status = 200) => res.status(status).type('html').send(body);
  const TypeParam = FacilityTypeCode;

  /** The name fields, one group per language: its name for one, and for several as a sentence says it. */
  function nameFields(form: TypeForm, editable: boolean): SafeHtml {
    return html`${ctx.languages.map((l) => {
      const n = form.names[l] ?? { name: '', plural: '' };
      return html`<fieldset class="type-names" lang="${l}"><legend>${languageName(l)}</legend><div class="row">
<div><label for="n-${l}-name">Name (one), in ${languageName(l)}</label><input id="n-${l}-name" name="n_${l}_name" type="text" maxlength="${TYPE_NAME_MAX}" value="${n.name}"${editable ? '' : html` readonly`}></div>
<div><label for="n-${l}-plural">Several, as a sentence says them, in ${languageName(l)}</label><input id="n-${l}-plural" name="n_${l}_plural" type="text" maxlength="${TYPE_PLURAL_MAX}" value="${n.plural}"${editable ? '' : html` readonly`}></div>
</div></fieldset>`;
    })}`;
  }

  /** A field as the form labels it: "Name (one), in isiZulu" rather than names.zu.name. */
  const inWords = (errors: FieldError[]): FieldError[] =>
    errors.map((e) => {
      const name = /^names\.([a-z]{2,3})\.(name|plural)$/.exec(e.field);
      if (name) return { ...e, field: `${name[2] === 'name' ? 'Name (one)' : 'Several'}, in ${languageName(name[1]!)}` };
      return { ...e, field: e.field === 'code' ? 'Code' : e.field === 'revision' ? 'Saved meanwhile' : e.field.replace(/^names\.([a-z]{2,3})$/, (_m, l: string) => `Names in ${l}`) };
    });

  function useLine(u: FacilityTypeUse, editor: boolean): SafeHtml {
    if (u.live) return html`<a href="/staff/questionnaires/${u.live.id}">${u.live.id}</a> v${u.live.version}`;
    const facilities = u.facilities.active;
    return html`<span class="status-bad">none yet</span>: ${
      facilities
        ? `its ${facilities} active ${facilities === 1 ? 'facility' : 'facilities'} cannot be dialled until a questionnaire for it is published`
        : 'its facilities cannot be dialled until a questionnaire for it is published'
    }${editor ? html`. <a href="/staff/questionnaires?for=${u.code}#new-questionnaire">Start a questionnaire for it</a>` : ''}`;
  }

  async function listPage(req: Request, form: TypeForm, errors: FieldError[] = [], flash: SafeHtml | string = '') {
    const uses = await facilityTypeUses(ctx.storage);
    const editor = hasRole(req.principal!, 'editor');
    const named = uses.filter((u) => u.type);
    const unnamed = uses.filter((u) => !u.type);
    return page(
      { title: 'Facility types', req, current: '/staff/facility-types' },
      html`${flash}${fieldErrors(inWords(errors))}
<p>A facility type is a kind of service citizens report on: a clinic, a police station, a water point. Every facility has one type, and one live questionnaire serves each type. Public pages and scorecard SMS call a type by the names below, in the reader's language.</p>
<p>A new kind of service: add it here with its names, <a href="/staff/facilities/new">add its facilities</a>, <a href="/staff/questionnaires#new-questionnaire">start a questionnaire</a> for it, try it on the phone, then publish it. Until then its facilities can be added, but citizens who dial them are told there is no survey yet.</p>
<table class="cards"><caption>${named.length} facility types</caption><thead><tr><th scope="col">Type</th>${ctx.languages.map((l) => html`<th scope="col" lang="${l}">${languageName(l)}</th>`)}<th scope="col">Facilities</th><th scope="col">Live questionnaire</th></tr></thead><tbody>
${named.map(
  (u) =>
    html`<tr><td data-label="Type"><a href="/staff/facility-types/${u.code}">${u.type!.names[ctx.defaultLanguage]?.name ?? u.code}</a><br><code>${u.code}</code></td>${ctx.languages.map((l) => {
      const n = u.type!.names[l];
      return n
        ? html`<td data-label="${languageName(l)}" lang="${l}">${n.name}<br><span class="meta">several: ${n.plural}</span></td>`
        : html`<td data-label="${languageName(l)}"><em class="missing">no name yet</em></td>`;
    })}<td data-label="Facilities">${u.facilities.active} active${u.facilities.inactive ? `, ${u.facilities.inactive} inactive` : ''}</td><td data-label="Live questionnaire">${useLine(u, editor)}</td></tr>`,
)}</tbody></table>
${
  unnamed.length
    ? html`<h2>In use, but never added</h2>${notice(
        'error',
        html`<p>These types are used by facilities or published questionnaires but have no names, so public pages show their code. Add each with its names${editor ? ' (the form below is filled in with its code)' : ''}.</p><ul>${unnamed.map(
          (u) =>
            html`<li><code>${u.code}</code>: ${u.facilities.active + u.facilities.inactive} facilities${u.live ? html`, served by ${u.live.id} v${u.live.version}` : ''}${editor ? html` · <a href="/staff/facility-types?code=${u.code}#add-type">Name it</a>` : ''}</li>`,
        )}</ul>`,
      )}`
    : ''
}
${
  editor
    ? html`<h2 id="add-type">Add a kind of service</h2>
<form method="post" action="/staff/facility-types" class="stack">${csrfField(req)}
<div><label for="type-code">Code (lower-case letters, digits and _, such as water_point; it never changes)</label><input id="type-code" name="code" type="text" pattern="${IDENTIFIER_PATTERN}" maxlength="32" value="${form.code}" required></div>
<p>Its name in every language the programme offers. "Several" is how a sentence says more than one, as the scorecard SMS does: "Rank 2 of 9 <em>water points</em> in Riverside".</p>
${nameFields(form, true)}
<p><button type="submit">Add facility type</button></p>
</form>`
    : ''
}`,
    );
  }

  const blank = (code = ''): TypeForm => ({ code, names: {}, revision: null });

  route({ method: 'get', path: '/staff/facility-types', role: 'viewer', kind: 'page', summary: 'Facility types: kinds of service and their names' }, async (req, res) => {
    const code = FacilityTypeCode.safeParse(req.query.code);
    const added = FacilityTypeCode.safeParse(req.query.added);
    const saved = FacilityTypeCode.safeParse(req.query.saved);
    const flash = added.success
      ? notice(
          'ok',
          html`Added facility type ${added.data}. Next: <a href="/staff/facilities/new?type=${added.data}">add a facility of this type</a> or <a href="/staff/questionnaires?for=${added.data}#new-questionnaire">start a questionnaire for it</a>.`,
        )
      : saved.success
        ? notice('ok', `Saved the names of ${saved.data}.`)
        : '';
    send(res, await listPage(req, blank(code.success ? code.data : ''), [], flash));
  });

  route({ method: 'post', path: '/staff/facility-types', role: 'editor', kind: 'page', summary: 'Add a facility type' }, async (req, res) => {
    const form = readFacilityTypeForm(req.body ?? {}, ctx.languages);
    const result = await addFacilityType(deps, form.input, by(req));
    if (!result.ok) return send(res, await listPage(req, form, result.errors), result.status);
    res.redirect(303, `/staff/facility-types?added=${result.type.code}`);
  });

  async function typePage(req: Request, code: string, form: TypeForm | null, errors: FieldError[] = []) {
    const use = (await facilityTypeUses(ctx.storage)).find((u) => u.code === code && u.type);
    if (!use?.type) return null;
    const t = use.type;
    const editor = hasRole(req.principal!, 'editor');
    const shown: TypeForm = form ?? { code, names: t.names, revision: t.revision };
    return page(
      { title: `Facility type ${t.names[ctx.defaultLanguage]?.name ?? code} (${code})`, req, current: '/staff/facility-types' },
      html`${fieldErrors(inWords(errors))}<p><a href="/staff/facility-types">All facility types</a> · added ${fmtDate(t.createdAt, ctx.timeZone)} by ${t.createdBy}${t.revision > 0 ? ` · names last changed ${fmtDate(t.updatedAt, ctx.timeZone)} by ${t.updatedBy}` : ''}</p>
<p>${use.facilities.active} active ${use.facilities.active === 1 ? 'facility has' : 'facilities have'} this type${use.facilities.inactive ? `, and ${use.facilities.inactive} inactive` : ''}${
        editor ? html` (<a href="/staff/facilities/new?type=${code}">add a facility of this type</a>)` : ''
      }. Live questionnaire: ${useLine(use, editor)}.</p>
<form method="post" action="/staff/facility-types/${code}" class="stack">${csrfField(req)}<input type="hidden" name="revision" value="${shown.revision ?? t.revision}">
<p>The code <code>${code}</code> never changes: facilities and questionnaires refer to it. Its names may change; public pages and the next scorecard SMS use the new ones.</p>
${nameFields(shown, editor)}
${editor ? html`<p><button type="submit">Save names</button> <a href="/staff/facility-types">Cancel</a></p>` : ''}
</form>`,
    );
  }

  route({ method: 'get', path: '/staff/facility-types/:type', role: 'viewer', kind: 'page', summary: 'One facility type: its names and what uses it' }, async (req, res) => {
    const code = TypeParam.safeParse(req.params.type);
    const body = code.success ? await typePage(req, code.data, null) : null;
    if (!body) return send(res, notFoundPage(req, 'No such facility type.'), 404);
    send(res, body);
  });

  route({ method: 'post', path: '/staff/facility-types/:type', role: 'editor', kind: 'page', summary: "Change a facility type's names" }, async (req, res) => {
    const code = TypeParam.safeParse(req.params.type);
    if (!code.success) return send(res, notFoundPage(req, 'No such facility type.'), 404);
    const form = readFacilityTypeForm({ ...(req.body ?? {}), code: code.data }, ctx.languages);
    const result = await renameFacilityType(deps, code.data, { names: form.names, revision: form.revision ?? -1 }, by(req));
    if (!result.ok) {
      const body = await typePage(req, code.data, form, result.errors);
      return body ? send(res, body, result.status) : send(res, notFoundPage(req, 'No such facility type.'), 404);
    }
    res.redirect(303, `/staff/facility-types?saved=${code.data}`);
  });

  // ---------------------------------------------------------------- API
  const apiErrors = (res: Response, status: number, errors: FieldError[]) =>
    res.status(status).json({ error: `not saved: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, fields: errors });

  route(
    {
      method: 'get',
      path: '/api/v1/facility-types',
      role: 'viewer',
      kind: 'api',
      tag: 'facilities',
      summary: 'Facility types with their names per language, how many facilities have each and which live questionnaire serves it (unnamed types in use last, type null)',
    },
    async (_req, res) => {
      res.json({ items: await facilityTypeUses(ctx.storage) });
    },
  );
  route(
    {
      method: 'post',
      path: '/api/v1/facility-types',
      role: 'editor',
      kind: 'api',
      tag: 'facilities',
      summary: 'Add a facility type with its names (one and several) in every language the programme offers',
      body: { type: 'json', schema: FacilityTypeInput },
    },
    async (req, res) => {
      const result = await addFacilityType(deps, req.body, by(req));
      if (!result.ok) return void apiErrors(res, result.status, result.errors);
      res.status(201).json(result.type);
    },
  );
  route({ method: 'get', path: '/api/v1/facility-types/:type', role: 'viewer', kind: 'api', tag: 'facilities', summary: 'One facility type' }, async (req, res) => {
    const code = TypeParam.safeParse(req.params.type);
    const type = code.success ? await ctx.storage.facilityTypes.get(code.data) : null;
    if (!type) return void res.status(404).json({ error: `no facility type ${String(req.params.type)}` });
    res.json(type);
  });
  route(
    {
      method: 'put',
      path: '/api/v1/facility-types/:type',
      role: 'editor',
      kind: 'api',
      tag: 'facilities',
      summary: "Change a facility type's names (send the revision you loaded; 409 if someone saved since). The code never changes",
      body: { type: 'json', schema: FacilityTypeRename },
    },
    async (req, res) => {
      const code = z.string().safeParse(req.params.type);
      const result = await renameFacilityType(deps, code.success ? code.data : '', req.body, by(req));
      if (!result.ok) return void apiErrors(res, result.status, result.errors);
      res.json(result.type);
    },
  );
}
