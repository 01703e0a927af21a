import type { Request, Response } from 'express';
import { z } from 'zod';
import type { StaffContext } from '../context.js';
import { html } from '../html.js';
import { csrfField, fmtDate, notice, page } from '../layout.js';
import { actorName, hasRole } from '../auth.js';
import { sendHistory, sendNowPlan, sendScorecardsNow } from '../../../app/scorecards/send-now.js';
import type { StaffRegistry } from '../registry.js';
import { isPeriod, type ScorecardPreview } from '../../../app/scorecards/preview-scorecard.js';
import { namedTopProblem } from '../../../app/scorecards/metrics.js';
import type { Scorecard } from '../../../storage/ports.js';
import { fieldProblems, formProblems, sendBadRequest } from '../../validation.js';
import { FACILITY_CODE } from '../../../engine/codes.js';
import { countedNoun } from '../../../text/messages.js';

/**
 * Scorecard preview: the exact SMS each manager of a facility would get for a period, with
 * its segment count, computed as a dry run (nothing stored, nothing sent).
 */

export const ScorecardPreviewQuery = z
  .object({
    facility: z.string().regex(FACILITY_CODE, 'must be a facility code of 3 to 8 digits').optional(),
    period: z.string().refine(isPeriod, 'must be a month such as 2026-10 or an ISO week such as 2026-W41').optional(),
  })
  .strict();

export function registerScorecardPages(reg: StaffRegistry, ctx: StaffContext) {
  const { route } = reg;
  const send = (res: Response, body: string, status = 200) => res.status(status).type('html').send(body);

  route(
    {
      method: 'get',
      path: '/api/v1/scorecards/preview',
      role: 'viewer',
      kind: 'api',
      tag: 'scorecards',
      summary: "A facility's scorecard and SMS texts for a period, as a dry run",
      query: ScorecardPreviewQuery,
    },
    async (req, res) => {
      const q = ScorecardPreviewQuery.safeParse(req.query);
      if (!q.success) return sendBadRequest(res, fieldProblems(q.error));
      if (!q.data.facility) return sendBadRequest(res, [{ field: 'facility', message: 'is required' }]);
      const facility = await ctx.storage.facilities.findByCode(q.data.facility);
      if (!facility) return void res.status(404).json({ error: `no facility ${q.data.facility}` });
      res.json(await ctx.scorecards.preview(facility.code, q.data.period ?? ctx.scorecards.defaultPeriod()));
    },
  );

  route({ method: 'get', path: '/staff/scorecards', role: 'viewer', kind: 'page', summary: "Preview a facility's scorecard for a period" }, async (req, res) => {
    const q = ScorecardPreviewQuery.safeParse(req.query);
    const facilities = await ctx.storage.facilities.list({ activeOnly: true });
    const chosen = q.success ? q.data : {};
    const period = chosen.period ?? ctx.scorecards.defaultPeriod();
    const errors = q.success ? [] : formProblems(q.error);
    const facility = chosen.facility ? facilities.find((f) => f.code === chosen.facility) : undefined;
    if (chosen.facility && !facility) errors.push(`facility: no active facility has code ${chosen.facility}`);
    const preview = facility && errors.length === 0 ? await ctx.scorecards.preview(facility.code, period) : null;
    send(
      res,
      scorecardPage(req, { facilities, facilityCode: chosen.facility ?? '', period, errors, preview, minCount: ctx.scorecards.minCount, canSend: hasRole(req.principal!, 'editor') }),
      errors.length ? 400 : 200,
    );
  });

  const PeriodQuery = z.object({ period: z.string().refine(isPeriod, 'must be a month such as 2026-10 or an ISO week such as 2026-W41') });

  route({ method: 'get', path: '/staff/scorecards/send', role: 'editor', kind: 'page', summary: 'Confirm sending the scorecards of a period now' }, async (req, res) => {
    const q = PeriodQuery.safeParse({ period: req.query.period ?? ctx.scorecards.defaultPeriod() });
    const plan = q.success ? await sendNowPlan(ctx.scorecards.sendNow, q.data.period) : { ok: false as const, message: 'choose a period: a month such as 2026-10 or an ISO week such as 2026-W41' };
    const sample = ctx.scorecards.defaultPeriod();
    const picker = html`<form method="get" action="/staff/scorecards/send" class="row"><div><label for="send-period">Period</label>${periodInput('send-period', q.success ? q.data.period : sample, sample)}</div><div><button type="submit" class="secondary">Choose</button></div></form>`;
    if (!plan.ok) return send(res, page({ title: 'Send scorecards now', req, current: '/staff/scorecards' }, html`${notice('error', `Cannot send: ${plan.message}.`)}${picker}`), 400);
    send(
      res,
      page(
        { title: `Send the scorecards of ${plan.period} now?`, req, current: '/staff/scorecards' },
        html`${picker}${notice(
          'info',
          html`<p>Every active facility's managers and every district manager get the SMS scorecard of ${plan.period}, as the scheduled run would send it. It goes through the same outbox: a message already queued for ${plan.period} is not sent again${plan.alreadyQueued ? html` (<strong>${plan.alreadyQueued}</strong> already queued)` : ''}, so pressing this twice, or the schedule running too, sends nothing twice.</p>`,
        )}
<form method="post" action="/staff/scorecards/send">${csrfField(req)}<input type="hidden" name="period" value="${plan.period}"><button type="submit">Yes, send the scorecards of ${plan.period}</button> <a href="/staff/scorecards">Cancel</a></form>`,
      ),
    );
  });

  route({ method: 'post', path: '/staff/scorecards/send', role: 'editor', kind: 'page', summary: 'Send the scorecards of a period now (exactly once, through the outbox)' }, async (req, res) => {
    const q = PeriodQuery.safeParse({ period: req.body?.period });
    const result = q.success ? await sendScorecardsNow(ctx.scorecards.sendNow, q.data.period, actorName(req.principal)) : { ok: false as const, message: 'choose a period' };
    if (!result.ok)
      return send(res, page({ title: 'Send scorecards now', req, current: '/staff/scorecards' }, notice('error', html`Not sent: ${result.message}. <a href="/staff/scorecards/send">Back</a>`)), 400);
    res.redirect(303, `/staff/scorecards/history?period=${result.period}&queued=${result.queued}&new=${result.newMessages}`);
  });

  route({ method: 'get', path: '/staff/scorecards/history', role: 'viewer', kind: 'page', summary: 'What was sent to whom for a period, and whether it was delivered' }, async (req, res) => {
    const q = ScorecardPreviewQuery.safeParse({ period: req.query.period, facility: req.query.facility || undefined });
    const period = q.success && q.data.period ? q.data.period : ctx.scorecards.defaultPeriod();
    const facility = q.success ? q.data.facility : undefined;
    const facilities = await ctx.storage.facilities.list();
    const names = new Map(facilities.map((f) => [f.code, f.name]));
    const groups = await sendHistory(ctx.storage, { period, facility }, names);
    const queued = z.coerce.number().int().min(0).safeParse(req.query.queued);
    const fresh = z.coerce.number().int().min(0).safeParse(req.query.new);
    const flash =
      queued.success && fresh.success && req.query.queued !== undefined
        ? notice(
            'ok',
            `Sent for ${period}: ${countedNoun(queued.data, 'message')} in the outbox, ${fresh.data} of them new (the others were already queued and are not sent again). Sending has started; reload to follow it.`,
          )
        : '';
    send(
      res,
      page(
        { title: `Scorecards sent for ${period}`, req, current: '/staff/scorecards' },
        html`${flash}<form method="get" action="/staff/scorecards/history" class="row"><div><label for="h-period">Period</label>${periodInput('h-period', period, ctx.scorecards.defaultPeriod())}</div>
<div><label for="h-facility">Facility</label><select id="h-facility" name="facility"><option value="">every facility</option>${facilities.map((f) => html`<option value="${f.code}"${f.code === facility ? html` selected` : ''}>${f.name} (${f.code})</option>`)}</select></div>
<div><button type="submit">Show</button></div></form>
<p>Numbers are shown masked. "Accepted" means the SMS provider took the message; only its delivery report says whether it reached the phone.</p>
${groups.length === 0 ? html`<p>Nothing was sent for ${period}${facility ? ` to facility ${facility}` : ''}.</p>` : ''}
${groups.map(
  (
    g,
  ) => html`<table class="history cards"><caption>${g.subject}</caption><thead><tr><th scope="col">To</th><th scope="col">Language</th><th scope="col">Sent</th><th scope="col">Delivery</th><th scope="col">Problem</th><th scope="col">Message</th></tr></thead><tbody>
${g.rows.map(
  (r) =>
    html`<tr><td data-label="To">${r.recipientName}<br><code>${r.phone}</code></td><td data-label="Language">${ctx.content.locales[r.language]?.meta.name ?? r.language}</td><td data-label="Sent">${r.status}${r.sentAt ? html`<br>${fmtDate(r.sentAt, ctx.timeZone)}` : ''}</td><td data-label="Delivery">${r.delivery}${r.deliveredAt ? html`<br>${fmtDate(r.deliveredAt, ctx.timeZone)}` : ''}</td><td data-label="Problem">${r.problem ? html`<span class="status-bad">${r.problem}</span>` : '—'}</td><td data-label="Message"><details><summary>Text</summary><pre>${r.text}</pre></details></td></tr>`,
)}</tbody></table>`,
)}`,
      ),
    );
  });
}

function scorecardPage(
  req: Request,
  v: { facilities: Array<{ code: string; name: string }>; facilityCode: string; period: string; errors: string[]; preview: ScorecardPreview | null; minCount: number; canSend: boolean },
): string {
  const p = v.preview;
  const card = p?.scorecard ?? null;
  const pct = (n: number | null) => (n === null ? '—' : `${n}%`);
  return page(
    { title: 'Scorecard preview', req, current: '/staff/scorecards' },
    html`<p>The SMS scorecard each manager would receive, computed now from the counted reports of the period. Nothing is stored or sent. Percentages appear only from ${v.minCount} reports on.</p>
${v.errors.length ? html`<div role="alert" class="errors"><p>Please fix:</p><ul>${v.errors.map((e) => html`<li>${e}</li>`)}</ul></div>` : ''}
<form method="get" action="/staff/scorecards" class="row">
<div><label for="facility">Facility</label><select id="facility" name="facility" required><option value="">Choose a facility</option>${v.facilities.map(
      (f) => html`<option value="${f.code}"${f.code === v.facilityCode ? html` selected` : ''}>${f.name} (${f.code})</option>`,
    )}</select></div>
<div><label for="period">Period</label>${periodInput('period', v.period, v.period)}</div>
<div><button type="submit">Preview</button></div>
</form>
<p><a href="/staff/scorecards/history?period=${v.period}${v.facilityCode ? `&facility=${v.facilityCode}` : ''}">What was sent for ${v.period}</a>${v.canSend ? html` · <a href="/staff/scorecards/send?period=${v.period}">Send the scorecards of ${v.period} now…</a>` : ''}</p>
${p && !card ? html`<p>No scorecard for this facility in ${p.period}.</p>` : ''}
${
  p && card
    ? html`<h2>${card.facilityName}, ${p.period}</h2>
<p>${p.alreadyStored ? 'A scorecard for this period is already stored and its messages queued; the figures below are recomputed now.' : 'Not yet sent for this period.'}</p>
<table><caption>Figures (counted reports only)</caption><tbody>
<tr><th scope="row">Reports</th><td>${card.reports}${card.shown ? '' : ` (fewer than ${card.minCount}: no percentages)`}</td></tr>
<tr><th scope="row">Satisfied (4 or 5 of 5)</th><td>${pct(card.satisfiedPct)}</td></tr>
<tr><th scope="row">Would recommend</th><td>${pct(card.recommendPct)}</td></tr>
<tr><th scope="row">Most common problem</th><td>${problemCell(card, p.topProblemLabel)}</td></tr>
<tr><th scope="row">Change since ${card.previous?.period ?? 'the previous period'}</th><td>${card.change === null ? '—' : `${card.change > 0 ? '+' : ''}${card.change} points`}</td></tr>
<tr><th scope="row">Rank in district and type</th><td>${card.rank ? `${card.rank.position} of ${card.rank.of}` : '—'}</td></tr>
</tbody></table>
<h2>Messages</h2>
${p.messages.length === 0 ? html`<p>This facility has no active manager with a valid number, so nothing would be sent.</p>` : ''}
${p.messages.map(
  (m) => html`<section class="sms"><h3>${m.subjectKind === 'facility' ? 'Facility manager' : 'District summary'}: ${m.recipientName} (${m.language})</h3>
<pre>${m.text}</pre>
<p>${m.units} characters, ${countedNoun(m.segments, 'SMS segment')}, ${m.encoding}</p></section>`,
)}`
    : ''
}`,
  );
}

/** The same rule as the SMS: a top problem is named only when enough reports name it. */
function problemCell(card: Scorecard, label: string | null): string {
  const top = namedTopProblem(card);
  if (top === null) return '—';
  const words = label ?? card.topProblem!.code;
  if (top === 'too_few') return `${words}: ${card.topProblem!.count} of ${card.reports}, fewer than ${card.minCount}, so not named in the SMS`;
  return `${words}, ${top.count} of ${card.reports}`;
}

/** A period picker: a month or an ISO week, as the browser's own picker (its value is 2026-10 or 2026-W41, the period's own form). */
export function periodInput(id: string, value: string, sample: string) {
  const week = sample.includes('W');
  return html`<input id="${id}" name="period" type="${week ? 'week' : 'month'}" value="${value}" pattern="\\d{4}-(\\d{2}|W\\d{2})" aria-describedby="${id}-hint" required><p id="${id}-hint" class="hint">${week ? 'an ISO week such as 2026-W41' : 'a month such as 2026-10'}</p>`;
}
