import { messageIn, requiredMessageIn, type MessageCatalog } from '../../app/locale-messages.js';
import type { Cell } from '../../app/public/honest-cells.js';
import type { Disaggregation, DistrictPage, FacilityPage, FacilitySummary, Headline, NationalPage, PublicPage, Rank } from '../../app/public/public-pages.js';
import type { CaseFigures } from '../../app/public/case-figures.js';
import { monthName, type MessageValues } from '../../text/messages.js';
import { html, join, type SafeHtml } from '../staff/html.js';
import { horizontalBars, monthBars } from './charts.js';

/**
 * The public pages' HTML: server-rendered, no script, one h1, every value escaped by the
 * staff pages' template. Language links keep the month; the month form keeps the language.
 */

export type PublicTexts = {
  page: MessageCatalog;
  charter: MessageCatalog;
  /** locales/<lang>/cases.json: what a manager can say was done */
  cases: MessageCatalog;
  /** per language: its own name and whether its texts are drafts (locales/<lang>/meta.json) */
  languages: Array<{ code: string; nativeName: string; draft: boolean }>;
  defaultLanguage: string;
};

export type RenderContext = { lang: string; texts: PublicTexts; path: string; period: string | null };

function tr(ctx: RenderContext) {
  return (key: string, values: MessageValues = {}) => requiredMessageIn(ctx.texts.page, ctx.lang, ctx.texts.defaultLanguage, key, values);
}

export function monthLabel(lang: string, key: string): string {
  const [y, m] = key.split('-').map(Number);
  return `${monthName(lang, m!)} ${y}`;
}

function href(path: string, query: Record<string, string | null>): string {
  const q = Object.entries(query)
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`)
    .join('&');
  return q ? `${path}?${q}` : path;
}

function cellText(ctx: RenderContext, c: Cell): SafeHtml {
  const t = tr(ctx);
  if (!c.shown) return html`<span class="na">${t('public.not_enough')}</span>`;
  return c.pct === null ? html`${t('public.count_of', { count: c.count, of: c.of })}` : html`${t('public.share', { pct: c.pct, count: c.count, of: c.of })}`;
}

export function layout(ctx: RenderContext, title: string, body: SafeHtml): string {
  const t = tr(ctx);
  const langMeta = ctx.texts.languages.find((l) => l.code === ctx.lang);
  const draft = Boolean(langMeta?.draft || ctx.texts.page[ctx.lang]?.draft);
  const langs = ctx.texts.languages.map(
    (l) =>
      html`<li><a href="${href(ctx.path, { period: ctx.period, lang: l.code })}" lang="${l.code}" hreflang="${l.code}"${l.code === ctx.lang ? html` aria-current="true"` : ''}>${l.nativeName}</a></li>`,
  );
  return html`<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t('public.site')}</title>
<link rel="stylesheet" href="/public/assets/public.css">
<link rel="icon" href="data:,">
</head>
<body>
<a class="skip" href="#main">${t('public.skip')}</a>
<header>
<p class="brand"><a href="${href('/public', { lang: ctx.lang })}">${t('public.site')}</a></p>
<nav aria-label="${t('public.language')}"><ul class="langs">${langs}</ul></nav>
</header>
${draft ? html`<p class="draft" role="note">${t('public.draft')}</p>` : ''}
<main id="main" tabindex="-1">
<h1>${title}</h1>
${body}
</main>
<footer><p>${t('public.footer.data')}</p><p><a href="/public/data/scorecards.csv">scorecards.csv</a> · <a href="/public/data/scorecards.json">scorecards.json</a></p></footer>
</body>
</html>`.value;
}

function periodForm(ctx: RenderContext, page: PublicPage): SafeHtml {
  const t = tr(ctx);
  const options = page.period.choices.map((c) => {
    const name = c.complete ? monthLabel(ctx.lang, c.key) : t('public.period.running', { month: monthLabel(ctx.lang, c.key) });
    return html`<option value="${c.key}"${c.key === page.period.key ? html` selected` : ''}>${name}</option>`;
  });
  return html`<form class="period" method="get" action="${ctx.path}">
<label for="period">${t('public.period.label')}</label>
<select id="period" name="period">${options}</select>
<input type="hidden" name="lang" value="${ctx.lang}">
<button type="submit">${t('public.period.show')}</button>
</form>
${page.period.complete ? '' : html`<p class="note">${t('public.period.incomplete')}</p>`}`;
}

function headlineList(ctx: RenderContext, h: Headline): SafeHtml {
  const t = tr(ctx);
  return html`<ul class="figures">
<li><span class="label">${t('public.col.reports')}</span><span class="value">${t('public.reports', { count: h.reports })}</span></li>
<li><span class="label">${t('public.satisfaction')}</span><span class="value">${cellText(ctx, h.satisfaction)}</span></li>
<li><span class="label">${t('public.recommend')}</span><span class="value">${cellText(ctx, h.recommend)}</span></li>
</ul>`;
}

function problemsSection(ctx: RenderContext, page: PublicPage): SafeHtml {
  const t = tr(ctx);
  const p = page.problems;
  const top =
    p.top?.cell.shown === true
      ? html`<p><strong>${t('public.problems.top', { problem: p.top.label, count: p.top.cell.count, of: p.top.cell.of })}</strong></p>`
      : html`<p>${t('public.problems.no_top')}</p>`;
  const rows = [...p.rows.map((r) => ({ label: r.label, cell: r.cell })), { label: t('public.problems.none_named'), cell: p.noProblem }];
  const chart = horizontalBars(
    'problems',
    t('public.problems.chart'),
    rows.map((r) => `${r.label}: ${r.cell.shown ? `${r.cell.pct ?? ''}%` : t('public.not_enough')}`).join('; '),
    rows.map((r) => ({ label: r.label, pct: r.cell.shown ? r.cell.pct : null, text: r.cell.shown ? `${r.cell.pct}%` : t('public.not_enough') })),
  );
  return html`<h2 id="problems">${t('public.problems.heading')}</h2>
${top}
${page.headline.reports >= page.minCount ? chart : ''}
<div class="table-wrap"><table>
<thead><tr><th scope="col">${t('public.col.problem')}</th><th scope="col">${t('public.col.share')}</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><th scope="row">${r.label}</th><td class="num">${cellText(ctx, r.cell)}</td></tr>`)}</tbody>
</table></div>`;
}

function trendSection(ctx: RenderContext, page: PublicPage): SafeHtml {
  const t = tr(ctx);
  const short = (key: string) => `${monthName(ctx.lang, Number(key.slice(5)), 'short')}`;
  const bars = page.trend.map((p) => ({
    label: short(p.period),
    pct: p.satisfaction.shown ? p.satisfaction.pct : null,
    text: p.satisfaction.shown ? `${p.satisfaction.pct}%` : t('public.not_enough'),
  }));
  const desc = page.trend.map((p) => `${monthLabel(ctx.lang, p.period)}: ${p.satisfaction.shown ? `${p.satisfaction.pct}%` : t('public.not_enough')}`).join('; ');
  return html`<h2 id="trend">${t('public.trend.heading')}</h2>
${bars.some((b) => b.pct !== null) ? monthBars('trend', t('public.trend.chart'), desc, bars) : ''}
<div class="table-wrap"><table>
<thead><tr><th scope="col">${t('public.col.month')}</th><th scope="col">${t('public.col.reports')}</th><th scope="col">${t('public.col.satisfied')}</th></tr></thead>
<tbody>${page.trend.map((p) => html`<tr><th scope="row">${p.complete ? monthLabel(ctx.lang, p.period) : t('public.period.running', { month: monthLabel(ctx.lang, p.period) })}</th><td class="num">${p.reports}</td><td class="num">${cellText(ctx, p.satisfaction)}</td></tr>`)}</tbody>
</table></div>`;
}

function groupsSection(ctx: RenderContext, groups: Disaggregation[]): SafeHtml {
  const t = tr(ctx);
  const one = (d: Disaggregation) => {
    const heading = html`<h3>${t(`public.groups.${d.dimension}`)}</h3>`;
    if (!d.collected) return html`${heading}<p>${t('public.groups.not_collected')}</p>`;
    return html`${heading}<div class="table-wrap"><table>
<thead><tr><th scope="col">${t('public.col.group')}</th><th scope="col">${t('public.col.reports')}</th><th scope="col">${t('public.col.satisfied')}</th></tr></thead>
<tbody>${d.groups.map((g) => html`<tr><th scope="row">${g.label}</th><td class="num">${cellText(ctx, g.reports)}</td><td class="num">${cellText(ctx, g.satisfaction)}</td></tr>`)}
<tr><th scope="row">${t('public.groups.not_answered')}</th><td class="num">${cellText(ctx, d.notAnswered)}</td><td class="num"></td></tr></tbody>
</table></div>`;
  };
  return html`<h2 id="groups">${t('public.groups.heading')}</h2>${groups.map(one)}`;
}

function casesSection(ctx: RenderContext, c: CaseFigures): SafeHtml {
  const t = tr(ctx);
  const heading = html`<h2 id="cases">${t('public.cases.heading')}</h2>`;
  const row = (key: string, value: SafeHtml) => html`<li><span class="label">${t(key)}</span><span class="value">${value}</span></li>`;
  return html`${heading}<ul class="figures">
${row('public.cases.received', html`${c.received}`)}
${row('public.cases.acted_on', cellText(ctx, c.actedOn))}
${row('public.cases.solved', cellText(ctx, c.confirmedSolved))}
${row('public.cases.open', cellText(ctx, c.open))}
${row('public.cases.escalated', cellText(ctx, c.escalated))}
${row('public.cases.median', c.medianDaysToAction === null ? html`<span class="na">${t('public.not_enough')}</span>` : html`${t('public.cases.days', { days: c.medianDaysToAction })}`)}
</ul>${c.truncated ? html`<p>${t('public.cases.truncated')}</p>` : ''}${
    c.actionsTaken.length
      ? html`<h3>${t('public.cases.done_heading')}</h3><ul class="done">${c.actionsTaken.map(
          (a) =>
            html`<li><time datetime="${a.day}">${unbroken(a.day)}</time>: ${(a.actionCode && messageIn(ctx.texts.cases, ctx.lang, ctx.texts.defaultLanguage, `action.${a.actionCode}`)) ?? t('public.cases.done_unnamed')}${a.note ? html`. ${a.note}` : ''}</li>`,
        )}</ul>`
      : ''
  }`;
}

function rankText(ctx: RenderContext, r: Rank, district: string): string {
  const t = tr(ctx);
  if ('reason' in r) return t(r.reason === 'too_few' ? 'public.rank.too_few' : 'public.rank.no_answers');
  return t('public.rank.position', { position: r.position, of: r.of, district });
}

/** A date that does not break across lines at its hyphens (non-breaking hyphens). */
const unbroken = (day: string) => day.replace(/-/g, '\u2011');

function common(ctx: RenderContext, page: PublicPage, extra: SafeHtml): SafeHtml {
  const t = tr(ctx);
  return html`${periodForm(ctx, page)}
<h2 id="summary">${t('public.summary.heading')}</h2>
${headlineList(ctx, page.headline)}
<p class="sub">${t('public.min_rule', { min: page.minCount })}</p>
${extra}
${problemsSection(ctx, page)}
${trendSection(ctx, page)}
${groupsSection(ctx, page.disaggregation)}
${casesSection(ctx, page.cases)}`;
}

function facilityTable(ctx: RenderContext, list: FacilitySummary[]): SafeHtml {
  const t = tr(ctx);
  return html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${t('public.col.facility')}</th><th scope="col">${t('public.col.reports')}</th><th scope="col">${t('public.col.satisfied')}</th><th scope="col">${t('public.col.rank')}</th></tr></thead>
<tbody>${list.map(
    (f) =>
      html`<tr><th scope="row"><a href="${href(`/public/facilities/${encodeURIComponent(f.code)}`, { period: ctx.period, lang: ctx.lang })}">${f.name}</a><br><span class="meta">${f.typeName}</span></th><td class="num">${f.headline.reports}</td><td class="num">${cellText(ctx, f.headline.satisfaction)}</td><td>${'reason' in f.rank ? html`<span class="na" aria-hidden="true">–</span><span class="vh">${rankText(ctx, f.rank, f.district)}</span>` : html`${f.rank.position} / ${f.rank.of}`}</td></tr>`,
  )}</tbody>
</table></div>`;
}

export function nationalPage(ctx: RenderContext, page: NationalPage): string {
  const t = tr(ctx);
  const districts = html`<h2 id="districts">${t('public.districts.heading')}</h2>
<div class="table-wrap"><table>
<thead><tr><th scope="col">${t('public.col.district')}</th><th scope="col">${t('public.col.facilities')}</th><th scope="col">${t('public.col.reports')}</th><th scope="col">${t('public.col.satisfied')}</th></tr></thead>
<tbody>${page.districts.map(
    (d) =>
      html`<tr><th scope="row"><a href="${href(`/public/districts/${encodeURIComponent(d.district)}`, { period: ctx.period, lang: ctx.lang })}">${d.district}</a></th><td class="num">${d.facilities}</td><td class="num">${d.headline.reports}</td><td class="num">${cellText(ctx, d.headline.satisfaction)}</td></tr>`,
  )}</tbody>
</table></div>`;
  return layout(ctx, t('public.national.title'), html`<p class="sub">${t('public.national.intro')}</p>${common(ctx, page, districts)}`);
}

export function districtPage(ctx: RenderContext, page: DistrictPage): string {
  const t = tr(ctx);
  const facilities = html`<h2 id="facilities">${t('public.facilities.heading')}</h2>
<p>${t('public.facilities.count', { count: page.facilities.length })}</p>
${facilityTable(ctx, page.facilities)}`;
  const crumbs = html`<p class="crumbs"><a href="${href('/public', { period: ctx.period, lang: ctx.lang })}">${t('public.nav.national')}</a></p>`;
  return layout(ctx, t('public.district.title', { district: page.district }), html`${crumbs}${common(ctx, page, facilities)}`);
}

function charterSection(ctx: RenderContext, page: FacilityPage): SafeHtml {
  const c = (key: string, values: MessageValues = {}) => requiredMessageIn(ctx.texts.charter, ctx.lang, ctx.texts.defaultLanguage, key, values);
  const heading = html`<h2 id="charter">${c('charter.heading')}</h2>`;
  const ch = page.charter;
  if (!ch) return html`${heading}<p>${c('charter.none')}</p>`;
  const actions = ch.actions.map(
    (a) => html`<li>
<p class="title">${a.title}</p>
<p class="meta">${c('charter.action.owner', { owner: a.owner })} · ${c('charter.action.due', { date: unbroken(a.dueDate) })}</p>
<p><span class="status">${c(`charter.status.${a.status}`)}</span>${a.overdue ? html` <span class="status overdue">${c('charter.action.overdue')}</span>` : ''}${a.linkedCases ? html` · ${c('charter.action.cases', { count: a.linkedCases })}` : ''}</p>
${a.droppedReason ? html`<p>${c('charter.action.dropped_reason', { reason: a.droppedReason })}</p>` : ''}
<h4>${c('charter.progress')}</h4>
${a.progress.length ? html`<ul>${a.progress.map((p) => html`<li><time datetime="${p.date}">${p.date}</time>: ${p.status ? html`<span class="status">${c(`charter.status.${p.status}`)}</span> ` : ''}${p.note}</li>`)}</ul>` : html`<p>${c('charter.progress.none')}</p>`}
</li>`,
  );
  return html`${heading}
<p>${c('charter.intro', { date: ch.dialogueDate })}</p>
<p>${c('charter.attended', { count: ch.attendedTotal })}${
    ch.attendance.length
      ? html`: ${join(
          ch.attendance.map((g) => html`${c('charter.attendance.group', { group: g.group, count: g.count })}`),
          ', ',
        )}`
      : ''
  }</p>
${ch.topIssues.length ? html`<h3>${c('charter.issues')}</h3><ol>${ch.topIssues.map((i) => html`<li>${i.issue}${i.votes !== null ? html` (${c('charter.issue.votes', { votes: i.votes })})` : ''}</li>`)}</ol>` : ''}
<h3>${c('charter.actions')}</h3>
<p>${c('charter.overdue_count', { count: ch.overdueCount })}</p>
<ul class="actions">${actions}</ul>
${ch.progress.length ? html`<h3>${c('charter.progress')}</h3><ul>${ch.progress.map((p) => html`<li><time datetime="${p.date}">${p.date}</time>: ${p.note}</li>`)}</ul>` : ''}
<p class="meta">${c('charter.updated', { date: ch.updatedOn })}${page.earlierDialogues.length ? html` · ${c('charter.earlier', { count: page.earlierDialogues.length })}` : ''}</p>`;
}

export function facilityPage(ctx: RenderContext, page: FacilityPage): string {
  const t = tr(ctx);
  const f = page.facility;
  const crumbs = html`<p class="crumbs"><a href="${href('/public', { period: ctx.period, lang: ctx.lang })}">${t('public.nav.national')}</a> › <a href="${href(`/public/districts/${encodeURIComponent(f.district)}`, { period: ctx.period, lang: ctx.lang })}">${t('public.district.title', { district: f.district })}</a></p>`;
  const rank = html`<h2 id="rank">${t('public.rank.heading')}</h2><p>${rankText(ctx, f.rank, f.district)}</p>`;
  return layout(ctx, f.name, html`${crumbs}<p class="sub">${t('public.facility.subtitle', { type: f.typeName, district: f.district })}</p>${common(ctx, page, rank)}${charterSection(ctx, page)}`);
}

export function errorPage(ctx: RenderContext, message: string): string {
  const t = tr(ctx);
  return layout(ctx, t('public.error.title'), html`<p class="note" role="alert">${message}</p><p><a href="${href('/public', { lang: ctx.lang })}">${t('public.error.back')}</a></p>`);
}
