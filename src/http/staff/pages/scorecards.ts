import type { Request, Response } from 'express';
import { z } from 'zod';
import type { StaffContext } from '../context.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import type { StaffRegistry } from '../registry.js';
import { isPeriod, type ScorecardPreview } from '../../../app/scorecards/preview-scorecard.js';
import { namedTopProblem } from '../../../app/scorecards/metrics.js';
import type { Scorecard } from '../../../storage/ports.js';

/**
 * Scorecard preview: the exact SMS each manager of a facility would get for a period, with
 * its segment count, computed as a dry run (nothing stored, nothing sent).
 */

export const ScorecardPreviewQuery = z
  .object({
    facility: z
      .string()
      .regex(/^\d{3,8}$/, 'must be a facility code of 3 to 8 digits')
      .optional(),
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
      if (!q.success) return void res.status(400).json({ error: 'bad request', fields: q.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) });
      if (!q.data.facility) return void res.status(400).json({ error: 'bad request', fields: [{ field: 'facility', message: 'is required' }] });
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
    const errors = q.success ? [] : q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    const facility = chosen.facility ? facilities.find((f) => f.code === chosen.facility) : undefined;
    if (chosen.facility && !facility) errors.push(`facility: no active facility has code ${chosen.facility}`);
    const preview = facility && errors.length === 0 ? await ctx.scorecards.preview(facility.code, period) : null;
    send(res, scorecardPage(req, { facilities, facilityCode: chosen.facility ?? '', period, errors, preview, minCount: ctx.scorecards.minCount }), errors.length ? 400 : 200);
  });
}

function scorecardPage(
  req: Request,
  v: { facilities: Array<{ code: string; name: string }>; facilityCode: string; period: string; errors: string[]; preview: ScorecardPreview | null; minCount: number },
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
<div><label for="period">Period</label><input id="period" name="period" value="${v.period}" pattern="\\d{4}-(\\d{2}|W\\d{2})" aria-describedby="period-hint" required><p id="period-hint" class="hint">a month such as 2026-10 or an ISO week such as 2026-W41</p></div>
<div><button type="submit">Preview</button></div>
</form>
${p && !card ? html`<p>No scorecard for this facility in ${p.period}.</p>` : ''}
${
  p && card
    ? html`<h2>${card.facilityName}, ${p.period}</h2>
<p>${p.alreadyStored ? 'A scorecard for this period is already stored and its messages queued; the figures below are recomputed now.' : 'Not yet sent for this period.'}</p>
<table><caption>Figures (counted reports only)</caption><tbody>
<tr><th scope="row">Reports</th><td>${card.reports}${card.shown ? '' : ` (fewer than ${card.minCount}: no percentages)`}</td></tr>
<tr><th scope="row">Satisfied (4 or 5 of 5)</th><td>${pct(card.satisfiedPct)}</td></tr>
<tr><th scope="row">Would recommend</th><td>${pct(card.recommendPct)}</td></tr>
<tr><th scope="row">Most common problem</th><td>${problemCell(card)}</td></tr>
<tr><th scope="row">Change since ${card.previous?.period ?? 'the previous period'}</th><td>${card.change === null ? '—' : `${card.change > 0 ? '+' : ''}${card.change} points`}</td></tr>
<tr><th scope="row">Rank in district and type</th><td>${card.rank ? `${card.rank.position} of ${card.rank.of}` : '—'}</td></tr>
</tbody></table>
<h2>Messages</h2>
${p.messages.length === 0 ? html`<p>This facility has no active manager with a valid number, so nothing would be sent.</p>` : ''}
${p.messages.map(
  (m) => html`<section class="sms"><h3>${m.subjectKind === 'facility' ? 'Facility manager' : 'District summary'}: ${m.recipientName} (${m.language})</h3>
<pre>${m.text}</pre>
<p>${m.units} characters, ${m.segments} SMS segment${m.segments === 1 ? '' : 's'}, ${m.encoding}</p></section>`,
)}`
    : ''
}`,
  );
}

/** The same rule as the SMS: a top problem is named only when enough reports name it. */
function problemCell(card: Scorecard): string {
  const top = namedTopProblem(card);
  if (top === null) return '—';
  if (top === 'too_few') return `${card.topProblem!.code}: ${card.topProblem!.count} of ${card.reports}, fewer than ${card.minCount}, so not named in the SMS`;
  return `${top.code}, ${top.count} of ${card.reports}`;
}
