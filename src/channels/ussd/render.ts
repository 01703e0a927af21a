import type { Prompt } from '../../engine/prompt.js';
import type { Text } from '../../engine/texts.js';
import { gsm7Septets, isGsm7, ussdLength } from '../../text/gsm.js';
import { BACK, MORE, SKIP } from './protocol.js';

/**
 * Renders an engine prompt as USSD screens. Options keep their numbers across pages, so
 * "6" means the sixth option on any page; "98" shows the next page, "0" the previous page
 * (or goes back a question on the first page), "00" skips an optional question.
 */

export type UssdScreen = { text: string; end: boolean };
export type UssdLayout = { pages: Array<{ from: number; to: number }>; fits: boolean };

const optionLine = (n: number, label: string) => `${n}. ${label}`;

function header(prompt: Prompt): string[] {
  return [...(prompt.error ? [prompt.error.text] : []), ...prompt.body.map((b) => b.text)];
}

function footer(prompt: Prompt, page: number): string[] {
  const lines: string[] = [];
  if (prompt.nav.skip) lines.push(`${SKIP}. ${prompt.nav.labels.skip.text}`);
  // on a later page "0" returns to the previous page, so it is offered even where a question has no "back"
  if (prompt.nav.back || page > 0) lines.push(`${BACK}. ${prompt.nav.labels.back.text}`);
  return lines;
}

function compose(prompt: Prompt, page: number, from: number, to: number, hasMore: boolean, showError: boolean): string {
  const lines = showError ? header(prompt) : prompt.body.map((b) => b.text);
  for (let i = from; i < to; i++) lines.push(optionLine(i + 1, prompt.options[i]!.label.text));
  if (hasMore) lines.push(`${MORE}. ${prompt.nav.labels.more.text}`);
  lines.push(...footer(prompt, page));
  return lines.join('\n');
}

type Measure = { gsm: boolean; septets: number; units: number };
const measure = (line: string): Measure => ({ gsm: isGsm7(line), septets: gsm7Septets(line), units: line.length });

/** The USSD length of "CON " plus these lines joined by newlines, from per-line measures. */
function screenLength(lines: Measure[]): number {
  let gsm = true;
  let septets = 4 + Math.max(0, lines.length - 1);
  let units = septets;
  for (const l of lines) {
    gsm &&= l.gsm;
    septets += l.septets;
    units += l.units;
  }
  return gsm ? septets : Math.ceil((units * 16) / 7);
}

/**
 * Splits a menu into pages that each fit the limit; `fits` is false if some screen cannot.
 * Lines are measured once and pages sized arithmetically: this runs on every hop.
 */
export function layout(prompt: Prompt, limit: number): UssdLayout {
  // prompts are shared objects (the engine keeps them per screen): lay each out once per limit
  let byLimit = layouts.get(prompt);
  if (!byLimit) layouts.set(prompt, (byLimit = new Map()));
  let found = byLimit.get(limit);
  if (!found) byLimit.set(limit, (found = computeLayout(prompt, limit)));
  return found;
}
const layouts = new WeakMap<Prompt, Map<number, UssdLayout>>();

function computeLayout(prompt: Prompt, limit: number): UssdLayout {
  const total = prompt.options.length;
  const head = header(prompt).map(measure);
  if (prompt.kind !== 'menu' || total === 0) {
    const lines = prompt.kind === 'end' ? head : [...head, ...footer(prompt, 0).map(measure)];
    return { pages: [{ from: 0, to: 0 }], fits: screenLength(lines) <= limit };
  }
  const options = prompt.options.map((o, i) => measure(optionLine(i + 1, o.label.text)));
  const more = measure(`${MORE}. ${prompt.nav.labels.more.text}`);
  const footers = [measure(footer(prompt, 0).join('\n')), measure(footer({ ...prompt, nav: { ...prompt.nav, back: true } }, 1).join('\n'))];
  const pages: Array<{ from: number; to: number }> = [];
  let fits = true;
  let from = 0;
  while (from < total) {
    const foot = footers[pages.length === 0 ? 0 : 1]!;
    const fixed = foot.units === 0 ? head : [...head, foot];
    const cost = (to: number, withMore: boolean) => screenLength([...fixed, ...options.slice(from, to), ...(withMore ? [more] : [])]);
    let to = from + 1;
    // grow the page while the next option (and a "more" line if still needed) fits
    while (to < total && cost(to + 1, to + 1 < total) <= limit) to++;
    if (cost(to, to < total) > limit) fits = false;
    pages.push({ from, to });
    from = to;
  }
  return { pages, fits };
}

/** A text that makes a screen too long, and by how much the screen it sits on is over the limit. */
export type Overflow = { text: Text; length: number; over: number };

/**
 * Which text makes a screen that does not fit too long, for the checks to name it. An option
 * is to blame when the page holding it alone (with the wording, "more" and the footer) is
 * over; the wording (or the error line) is to blame when even its shortest option cannot
 * join it. Empty when the screen fits.
 */
export function overflowsOf(prompt: Prompt, limit: number): Overflow[] {
  if (layout(prompt, limit).fits) return [];
  const head = header(prompt).map(measure);
  const headTexts = [...(prompt.error ? [prompt.error] : []), ...prompt.body];
  const longestHead = () => headTexts.reduce((a, b) => (ussdLength(b.text) > ussdLength(a.text) ? b : a));
  if (prompt.kind !== 'menu' || prompt.options.length === 0) {
    const lines = prompt.kind === 'end' ? head : [...head, ...footer(prompt, 0).map(measure)];
    const length = screenLength(lines);
    return [{ text: longestHead(), length, over: length - limit }];
  }
  const total = prompt.options.length;
  const more = measure(`${MORE}. ${prompt.nav.labels.more.text}`);
  const alone = (i: number) => {
    const foot = footer(i === 0 ? prompt : { ...prompt, nav: { ...prompt.nav, back: true } }, i === 0 ? 0 : 1).map(measure);
    return screenLength([...head, measure(optionLine(i + 1, prompt.options[i]!.label.text)), ...(i < total - 1 ? [more] : []), ...foot]);
  };
  const lengths = prompt.options.map((_, i) => alone(i));
  const shortest = Math.min(...lengths);
  if (shortest > limit) return [{ text: longestHead(), length: shortest, over: shortest - limit }];
  return prompt.options.flatMap((o, i) => (lengths[i]! > limit ? [{ text: o.label, length: lengths[i]!, over: lengths[i]! - limit }] : []));
}

/**
 * `error: false` leaves the prompt's error line out: a navigation key (98, or 0 to a
 * previous page) is not a wrong answer, so the error is shown once, with the screen it was
 * made for. The pages stay those of the screen with its error, so no option is skipped.
 */
export function renderUssd(prompt: Prompt, page: number, limit: number, options: { error?: boolean } = {}): UssdScreen {
  const showError = options.error !== false || prompt.error === null;
  const key = `${limit}:${page}:${showError ? 'e' : ''}`;
  let byPage = screens.get(prompt);
  if (!byPage) screens.set(prompt, (byPage = new Map()));
  let screen = byPage.get(key);
  if (!screen) byPage.set(key, (screen = computeScreen(prompt, page, limit, showError)));
  return screen;
}
const screens = new WeakMap<Prompt, Map<string, UssdScreen>>();

function computeScreen(prompt: Prompt, page: number, limit: number, showError: boolean): UssdScreen {
  if (prompt.kind === 'end') return { text: `END ${clip(header(prompt).join('\n'), limit - 4)}`, end: true };
  const { pages } = layout(prompt, limit);
  const p = Math.min(Math.max(page, 0), pages.length - 1);
  const { from, to } = pages[p]!;
  const text = `CON ${compose(prompt, p, from, to, p < pages.length - 1, showError)}`;
  // validation keeps shipped screens inside the limit; an unvalidated text must still not break the session
  return { text: ussdLength(text) <= limit ? text : `CON ${clip(text.slice(4), limit - 4)}`, end: false };
}

export function pageCount(prompt: Prompt, limit: number): number {
  return layout(prompt, limit).pages.length;
}

function clip(text: string, limit: number): string {
  if (ussdLength(text) <= limit) return text;
  let out = text;
  while (out.length > 0 && ussdLength(`${out}..`) > limit) out = out.slice(0, -1);
  return `${out}..`;
}
