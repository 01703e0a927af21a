import type { Request } from 'express';
import type { Principal } from '../security.js';
import { hasRole } from './auth.js';
import { html, type SafeHtml } from './html.js';
import { formatLocalTime } from '../../text/time.js';

/** The frame of every staff page: skip link, navigation, headings, one <main>. */

declare module 'express-serve-static-core' {
  interface Request {
    /** false when the service runs on the in-memory store: every page then says so */
    staffStorageDurable?: boolean;
  }
}

const NAV: Array<{ href: string; label: string; role: Principal['role'] }> = [
  { href: '/staff', label: 'Dashboard', role: 'viewer' },
  { href: '/staff/cases', label: 'Cases', role: 'facility_manager' },
  { href: '/staff/questionnaires', label: 'Questionnaires', role: 'viewer' },
  { href: '/staff/languages', label: 'Languages', role: 'viewer' },
  { href: '/staff/facilities', label: 'Facilities', role: 'viewer' },
  { href: '/staff/facility-types', label: 'Facility types', role: 'viewer' },
  { href: '/staff/scorecards', label: 'Scorecards', role: 'viewer' },
  { href: '/staff/responses', label: 'Responses', role: 'viewer' },
  { href: '/staff/audit', label: 'Audit log', role: 'viewer' },
  { href: '/staff/tokens', label: 'Tokens', role: 'admin' },
];

export type PageOptions = { title: string; req: Request; scripts?: string[]; current?: string };

export function page(opts: PageOptions, body: SafeHtml): string {
  const principal = opts.req.principal as Principal | undefined;
  const csrf = opts.req.staffSession?.csrf ?? '';
  const nav = principal
    ? html`<nav aria-label="Staff pages"><ul>${NAV.filter((n) => hasRole(principal, n.role)).map(
        (n) => html`<li><a href="${n.href}"${opts.current === n.href ? html` aria-current="page"` : ''}>${n.label}</a></li>`,
      )}</ul>
      <form method="get" action="/staff/cases/find" role="search" class="case-search"><label for="case-search">Find a case by reference</label> <input id="case-search" name="reference" type="search" maxlength="20" placeholder="K7M3-P9QX-AB" autocomplete="off"> <button type="submit">Find</button></form>
      <form method="post" action="/staff/sign-out" class="signout">${csrfField(opts.req)}<span>${principal.name} (${principal.role})</span> <button type="submit">Sign out</button></form></nav>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${csrf}">
<title>${opts.title} · Citizen report card staff</title>
<link rel="stylesheet" href="/staff/assets/staff.css">
${(opts.scripts ?? []).map((s) => html`<script src="/staff/assets/${s}" defer></script>`)}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header><p class="brand">Citizen report card · staff</p>${nav}</header>
${opts.req.staffStorageDurable === false ? notDurableBanner : ''}
<main id="main" tabindex="-1">
<h1>${opts.title}</h1>
${body}
</main>
</body>
</html>`.value;
}

const notDurableBanner = html`<div class="banner not-durable" role="alert"><strong>This data is not durable.</strong> The server keeps everything in memory (no MongoDB): every report, questionnaire, facility and token is lost when it stops. Set <code>MONGODB_URI</code> before collecting real reports.</div>`;

export function csrfField(req: Request): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${req.staffSession?.csrf ?? ''}">`;
}

export function notice(kind: 'ok' | 'error' | 'info', message: SafeHtml | string): SafeHtml {
  return html`<div class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${message}</div>`;
}

export function fieldErrors(errors: Array<{ field: string; message: string }>): SafeHtml {
  if (errors.length === 0) return html``;
  return notice('error', html`<p>Not saved. Please correct:</p><ul>${errors.map((e) => html`<li><strong>${e.field}</strong>: ${e.message}</li>`)}</ul>`);
}

export function signInPage(req: Request, message?: string, status?: string): string {
  return page(
    { title: 'Sign in', req },
    html`${status ? notice('info', status) : ''}${message ? notice('error', message) : ''}
<form method="post" action="/staff/sign-in" class="stack">
  <p>Sign in with the API token an administrator gave you.</p>
  <label for="token">API token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required>
  <input type="hidden" name="next" value="${safeNext(String(req.query.next ?? req.originalUrl ?? '/staff'))}">
  <button type="submit">Sign in</button>
</form>`,
  );
}

/** Only same-site staff paths may be a redirect target after sign-in. */
export function safeNext(next: string): string {
  return /^\/staff(\/[\w\-./?=&%]*)?$/.test(next) && !next.startsWith('/staff/sign-') ? next : '/staff';
}

export function forbiddenPage(req: Request, message: string): string {
  return page({ title: 'Not allowed', req }, notice('error', html`${message}. <a href="/staff">Back to the dashboard</a>`));
}

export function notFoundPage(req: Request, message: string): string {
  return page({ title: 'Not found', req }, notice('error', html`${message}`));
}

/** A time as staff read it: in the programme's time zone, with the zone named. */
export function fmtDate(d: Date | null | undefined, timeZone: string): string {
  return d ? formatLocalTime(new Date(d), timeZone) : '';
}
