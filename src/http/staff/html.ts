/**
 * The one way staff pages build HTML: a tagged template that escapes every interpolated
 * value, so a questionnaire text holding <script> is shown as text and never run. Only
 * fragments built by this same template (or `raw`, for constant markup) pass unescaped.
 */

const SAFE = Symbol('safe-html');
export type SafeHtml = { readonly [SAFE]: true; readonly value: string; toString(): string };

function safe(value: string): SafeHtml {
  return { [SAFE]: true, value, toString: () => value };
}

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const isSafe = (v: unknown): v is SafeHtml => typeof v === 'object' && v !== null && (v as SafeHtml)[SAFE] === true;

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (isSafe(value)) return value.value;
  return escapeHtml(value);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return safe(out);
}

/** Constant markup written in this codebase; never pass user or stored text here. */
export function raw(markup: string): SafeHtml {
  return safe(markup);
}

/** Joins fragments (each already escaped). */
export function join(parts: SafeHtml[], separator = ''): SafeHtml {
  return safe(parts.map((p) => p.value).join(escapeHtml(separator)));
}
