import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { actorName, hasRole } from '../auth.js';
import type { StaffContext } from '../context.js';
import { html } from '../html.js';
import { csrfField, fmtDate, notice, page, safeNext, signInPage } from '../layout.js';
import type { StaffRegistry } from '../registry.js';
import { barChart, lineChart, SERIES_COLOURS } from '../charts.js';
import { languageCompleteness, type LanguageRow } from '../../../app/questionnaires/language-completeness.js';
import { auditSentence } from '../../../app/staff/audit.js';
import { periodSatisfaction } from '../../../app/staff/staff-dashboard.js';
import { createApiToken, listApiTokens, revokeApiToken, TokenRequest } from '../../../app/staff/staff-tokens.js';
import { formProblems } from '../../validation.js';
import { countedNoun } from '../../../text/messages.js';

/** Sign-in, dashboard, languages, responses export, audit log, tokens and the static assets. */

const ASSETS: Record<string, string> = { 'staff.css': 'text/css', 'editor.js': 'text/javascript', 'simulator.js': 'text/javascript', 'import.js': 'text/javascript', 'formats.js': 'text/javascript' };

/** Beside the compiled module: src/http/staff/assets with tsx, dist/src/http/staff/assets after `npm run build` (which copies them). */
function assetDir(): string {
  const here = resolve(import.meta.dirname, '..', 'assets');
  if (!existsSync(here)) throw new Error(`the staff assets are missing: ${here} does not exist (npm run build copies src/http/staff/assets there)`);
  return here;
}

export function registerGeneralPages(reg: StaffRegistry, ctx: StaffContext) {
  const { route } = reg;
  const by = (req: Request) => actorName(req.principal);
  const send = (res: Response, body: string, status = 200) => res.status(status).type('html').send(body);
  const dir = assetDir();
  const assets = new Map(Object.entries(ASSETS).map(([name, type]) => [name, { type, body: readFileSync(resolve(dir, name)) }]));

  route({ method: 'get', path: '/staff/assets/:file', role: 'public', kind: 'page', summary: 'Style sheet and scripts' }, (req, res) => {
    const asset = assets.get(String(req.params.file));
    if (!asset) return void res.status(404).type('text/plain').send('not found');
    res.set('Cache-Control', 'public, max-age=300').type(asset.type).send(asset.body);
  });

  route({ method: 'get', path: '/staff/sign-in', role: 'public', kind: 'page', summary: 'Sign-in page' }, (req, res) => {
    send(res, signInPage(req, undefined, req.query.signedOut ? 'You are signed out.' : undefined));
  });

  route({ method: 'post', path: '/staff/sign-in', role: 'public', kind: 'page', summary: 'Sign in with an API token' }, async (req, res) => {
    const foreign = ctx.auth.signInOriginProblem(req);
    if (foreign) return send(res, signInPage(req, `Sign-in refused: ${foreign}. Open this service's own sign-in page and sign in there.`), 403);
    const token = typeof req.body?.token === 'string' ? req.body.token.trim() : '';
    const principal = token && token.length <= 200 ? await ctx.auth.authenticateToken(token) : null;
    if (!principal) return send(res, signInPage(req, 'That token is not valid (or it was revoked). Check it and try again.'), 401);
    await ctx.auth.startSession(res, principal);
    // a facility manager reads and acts on their facilities' cases; the dashboard is for programme staff
    const home = hasRole(principal, 'viewer') ? '/staff' : '/staff/cases';
    const next = safeNext(String(req.body?.next ?? home));
    res.redirect(303, next === '/staff' ? home : next);
  });

  // every signed-in role can sign out, a facility manager too
  route({ method: 'post', path: '/staff/sign-out', role: 'facility_manager', kind: 'page', summary: 'Sign out' }, async (req, res) => {
    await ctx.auth.endSession(req, res);
    res.redirect(303, '/staff/sign-in?signedOut=1');
  });

  route({ method: 'get', path: '/staff', role: 'viewer', kind: 'page', summary: 'Dashboard' }, async (req, res) => {
    const days = z.coerce
      .number()
      .int()
      .min(7)
      .max(366)
      .catch(30)
      .parse(req.query.days ?? 30);
    const { data: d, asOf } = await ctx.dashboard.lastDays(days);
    const shown = [...d.facilities].sort((a, b) => b.reports - a.reports).slice(0, SERIES_COLOURS.length);
    send(
      res,
      page(
        { title: 'Dashboard', req, current: '/staff' },
        html`<form method="get" action="/staff" class="row"><div><label for="days">Period (days)</label><select id="days" name="days">${[7, 30, 90, 365].map((n) => html`<option value="${n}"${n === days ? html` selected` : ''}>last ${n} days</option>`)}</select></div><div><button type="submit">Show</button></div></form>
<p>${d.total} complete reports from ${d.days[0]} to ${d.days[d.days.length - 1]} (${ctx.timeZone}). Figures as of ${fmtDate(asOf, ctx.timeZone)}${ctx.dashboard.maxAgeMs > 0 ? `, recomputed at most every ${ctx.dashboard.maxAgeMs / 1000} s` : ''}.</p>
<h2>Reports per day</h2>
${barChart('Complete reports per day', d.days, d.reportsPerDay)}
<h2>Satisfaction over time per facility</h2>
${
  shown.length
    ? html`${lineChart(
        'Average satisfaction (1 to 5) per facility per day',
        d.days,
        shown.map((f) => ({ name: f.name, points: f.satisfaction.map((p) => p?.average ?? null) })),
      )}
<ul class="legend">${shown.map((f, i) => html`<li><span class="sw${i}" aria-hidden="true"></span>${f.name} (${f.code})</li>`)}</ul>`
    : html`<p>No reports with a satisfaction rating in this period.</p>`
}
<table><caption>Per facility in this period</caption><thead><tr><th scope="col">Facility</th><th scope="col">Reports</th><th scope="col">Average satisfaction</th></tr></thead><tbody>
${d.facilities.map((f) => {
  const period = periodSatisfaction(f.satisfaction);
  return html`<tr><td>${f.name} (${f.code})</td><td>${f.reports}</td><td>${period === null ? '—' : `${period.average.toFixed(2)} (${countedNoun(period.ratings, 'rating')})`}</td></tr>`;
})}</tbody></table>
<details><summary>Reports per day as a table</summary><table><thead><tr><th scope="col">Day</th><th scope="col">Reports</th></tr></thead><tbody>
${d.days.map((day, i) => html`<tr><td>${day}</td><td>${d.reportsPerDay[i]}</td></tr>`)}</tbody></table></details>`,
      ),
    );
  });

  route({ method: 'get', path: '/staff/languages', role: 'viewer', kind: 'page', summary: 'How complete each language is' }, async (req, res) => {
    const rows = await languageCompleteness(ctx);
    send(
      res,
      page(
        { title: 'Languages', req, current: '/staff/languages' },
        html`<p>USSD text per language for the current version of each questionnaire and for the system messages. Voice offers a language only when every prompt a call speaks is recorded; English is spoken by Africa's Talking and needs none. Add recordings with <code>npm run audio:check</code> and <code>locales/&lt;lang&gt;/audio.json</code>.</p>
<table><thead><tr><th scope="col">Language</th><th scope="col">System messages</th>${rows[0]?.questionnaires.map((q) => html`<th scope="col">${q.id} v${q.version}</th>`) ?? ''}<th scope="col">Voice recordings</th></tr></thead><tbody>
${rows.map(
  (r) => html`<tr><th scope="row">${r.name} (${r.lang})${r.draft ? html`<br><em>draft translation, not yet reviewed</em>` : ''}</th>
<td>${pct(r.system.required - r.system.missing.length, r.system.required)}${r.system.missing.length ? html`<details><summary>${r.system.missing.length} missing</summary>${r.system.missing.join(', ')}</details>` : ''}</td>
${r.questionnaires.map((q) => html`<td>${pct(q.required - q.missing.length, q.required)}${q.missing.length ? html`<details><summary>${q.missing.length} missing</summary>${q.missing.join(', ')}</details>` : ''}</td>`)}
<td>${voiceCell(r.recordings)}</td></tr>`,
)}</tbody></table>`,
      ),
    );
  });

  route({ method: 'get', path: '/staff/responses', role: 'viewer', kind: 'page', summary: 'Download responses' }, async (req, res) => {
    const facilities = await ctx.storage.facilities.list();
    const versions = await ctx.storage.questionnaires.listVersions();
    const districts = [...new Set(facilities.map((f) => f.district))].sort();
    const types = [...new Set(facilities.map((f) => f.type))].sort();
    const opt = (v: string, label = v) => html`<option value="${v}">${label}</option>`;
    send(
      res,
      page(
        { title: 'Download responses', req, current: '/staff/responses' },
        html`<p>Respondents appear only as a key (a one-way code); phone numbers are never stored or exported. Answers come as codes with labels in the language you choose.</p>
<form method="get" action="/api/v1/responses/export" class="stack">
<div class="row">
<div><label for="x-format">Format</label><select id="x-format" name="format">${opt('csv', 'CSV (spreadsheet)')}${opt('ndjson', 'NDJSON (one JSON object per line)')}</select></div>
<div><label for="x-lang">Labels in</label><select id="x-lang" name="lang">${ctx.languages.map((l) => opt(l))}</select></div>
<div><label for="x-facility">Facility</label><select id="x-facility" name="facility">${opt('', 'all')}${facilities.map((f) => opt(f.code, `${f.code} ${f.name}`))}</select></div>
<div><label for="x-district">District</label><select id="x-district" name="district">${opt('', 'all')}${districts.map((d) => opt(d))}</select></div>
<div><label for="x-type">Facility type</label><select id="x-type" name="type">${opt('', 'all')}${types.map((t) => opt(t))}</select></div>
<div><label for="x-q">Questionnaire version</label><select id="x-q" name="questionnaire">${opt('', 'all')}${[...new Set(versions.map((v) => v.id))].map((id) => opt(id))}</select></div>
<div><label for="x-version">Version number</label><input id="x-version" name="version" type="number" min="1"></div>
<div><label for="x-from">From (day, ${ctx.timeZone})</label><input id="x-from" name="from" type="date"></div>
<div><label for="x-to">To (day included)</label><input id="x-to" name="to" type="date"></div>
<div><label for="x-channel">Channel</label><select id="x-channel" name="channel">${opt('', 'all')}${opt('ussd')}${opt('voice')}</select></div>
<div><label for="x-status">Status</label><select id="x-status" name="status">${opt('', 'all')}${opt('complete')}${opt('in_progress', 'in progress')}${opt('abandoned')}</select></div>
</div>
<p><button type="submit">Download</button></p>
</form>`,
      ),
    );
  });

  route({ method: 'get', path: '/staff/audit', role: 'viewer', kind: 'page', summary: 'Audit log' }, async (req, res) => {
    const entries = await ctx.storage.audit.list({ limit: 200 });
    send(
      res,
      page(
        { title: 'Audit log', req, current: '/staff/audit' },
        html`<table><caption>The latest ${entries.length} changes, newest first</caption><thead><tr><th scope="col">When</th><th scope="col">What happened</th></tr></thead><tbody>
${entries.map((e) => html`<tr><td>${fmtDate(e.at, ctx.timeZone)}</td><td>${auditSentence(e)}</td></tr>`)}</tbody></table>`,
      ),
    );
  });

  async function tokensPage(req: Request, extra = html``) {
    const tokens = await listApiTokens(ctx.storage);
    return page(
      { title: 'API tokens', req, current: '/staff/tokens' },
      html`${extra}
<p>Roles: <strong>facility_manager</strong> sees and acts on the follow-up cases of the facilities listed for it, nothing else; <strong>viewer</strong> sees everything and downloads data; <strong>editor</strong> also edits drafts, publishes and retires questionnaires and manages facilities; <strong>admin</strong> also manages tokens and districts. Tokens are stored only as a hash: a lost token cannot be shown again; revoke it and create another.</p>
<form method="post" action="/staff/tokens" class="row">${csrfField(req)}
<div><label for="tok-name">Name (who will use it)</label><input id="tok-name" name="name" type="text" required maxlength="60"></div>
<div><label for="tok-role">Role</label><select id="tok-role" name="role"><option>facility_manager</option><option>viewer</option><option selected>editor</option><option>admin</option></select></div>
<div><label for="tok-facilities">Facility codes (facility_manager only)</label><input id="tok-facilities" name="facilities" type="text" maxlength="400" placeholder="1001, 1002"></div>
<div><button type="submit">Create token</button></div></form>
<table class="cards"><caption>Tokens</caption><thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col">By</th><th scope="col">Status</th></tr></thead><tbody>
${tokens.map(
  (t) =>
    html`<tr><td data-label="Name">${t.name}</td><td data-label="Role">${t.role}${t.facilities ? ` (${t.facilities.join(', ')})` : ''}</td><td data-label="Created">${fmtDate(t.createdAt, ctx.timeZone)}</td><td data-label="By">${t.createdBy}</td><td data-label="Status">${
      t.revokedAt
        ? `revoked ${fmtDate(t.revokedAt, ctx.timeZone)}`
        : html`<form method="post" action="/staff/tokens/${t.id}/revoke">${csrfField(req)}<button type="submit" class="secondary" aria-label="Revoke the token of ${t.name}">Revoke</button></form>`
    }</td></tr>`,
)}</tbody></table>`,
    );
  }

  route({ method: 'get', path: '/staff/tokens', role: 'admin', kind: 'page', summary: 'API tokens' }, async (req, res) => {
    send(res, await tokensPage(req));
  });

  route({ method: 'post', path: '/staff/tokens', role: 'admin', kind: 'page', summary: 'Create an API token' }, async (req, res) => {
    const facilities = typeof req.body?.facilities === 'string' ? req.body.facilities.split(/[\s,]+/).filter(Boolean) : [];
    const parsed = TokenRequest.safeParse({ name: req.body?.name, role: req.body?.role, ...(facilities.length ? { facilities } : {}) });
    if (!parsed.success) return send(res, await tokensPage(req, notice('error', formProblems(parsed.error).join('; '))), 400);
    const created = await createApiToken(ctx, { ...parsed.data, by: by(req) });
    res.set('Cache-Control', 'no-store');
    send(
      res,
      await tokensPage(
        req,
        notice('ok', html`<p>Token for ${created.record.name} (${created.record.role}). Copy it now: it will not be shown again.</p><p><code class="token" id="new-token">${created.token}</code></p>`),
      ),
      201,
    );
  });

  route({ method: 'post', path: '/staff/tokens/:tokenId/revoke', role: 'admin', kind: 'page', summary: 'Revoke an API token' }, async (req, res) => {
    const ok = await revokeApiToken(ctx, String(req.params.tokenId), by(req));
    send(res, await tokensPage(req, ok ? notice('ok', 'Token revoked.') : notice('error', 'No such active token.')), ok ? 200 : 404);
  });
}

function voiceCell(r: LanguageRow['recordings']) {
  const count = html`${pct(r.recorded, r.required)} (${r.recorded} of ${r.required})`;
  const status = r.offeredOnVoice ? (r.spokenBySay && r.recorded < r.required ? 'offered on voice (spoken with Say)' : 'offered on voice') : 'not offered on voice';
  const missing = r.missing.length && !r.spokenBySay ? html`<details><summary>${r.missing.length} missing</summary>${r.missing.join(', ')}</details>` : '';
  return html`${count}; ${status}${missing}`;
}

function pct(have: number, of: number): string {
  return of === 0 ? '100%' : `${Math.floor((have / of) * 100)}%`;
}
