/**
 * A form body (application/x-www-form-urlencoded) read the way Express's urlencoded parser
 * (body-parser, `extended: false`, through qs with depth 0) reads it, for the bodies
 * Africa's Talking sends: every key plain (letters, digits, `_`), ASCII only. Such a body
 * gives exactly what body-parser gives: each key once, a repeated key as an array of its
 * values in order, `+` as a space, percent escapes decoded (an escape that does not decode
 * leaves the value as it came, `+` made spaces). For any other body (a key with brackets,
 * dots or escapes, a key Object.prototype has, a byte past ASCII, a byte order mark, more
 * fields than `parameterLimit`) it returns null, and the caller lets body-parser read it:
 * those are where qs's rules get intricate, and no provider sends them.
 * test/http/form.test.ts compares the two over random bodies.
 */
export type FormFields = Record<string, string | string[]>;

const PLAIN_KEY = /^[A-Za-z0-9_]+$/;

export function parsePlainForm(body: string, parameterLimit: number): FormFields | null {
  const fields: FormFields = {};
  if (body.length === 0) return fields;
  for (let i = 0; i < body.length; i++) if (body.charCodeAt(i) > 0x7e) return null;
  // qs turns escaped brackets into brackets before it splits, so a `%5D=` in a value splits there
  const clean = body.includes('%5') ? body.replace(/%5B/gi, '[').replace(/%5D/gi, ']') : body;
  const parts = clean.split('&');
  if (parts.length > parameterLimit) return null;
  for (const part of parts) {
    if (part.includes(']=')) return null;
    const eq = part.indexOf('=');
    const rawKey = eq === -1 ? part : part.slice(0, eq);
    // an empty key is dropped, as qs drops it
    if (rawKey === '') continue;
    if (!PLAIN_KEY.test(rawKey) || Object.hasOwn(Object.prototype, rawKey)) return null;
    const value = eq === -1 ? '' : decode(part.slice(eq + 1));
    const existing = fields[rawKey];
    if (existing === undefined) fields[rawKey] = value;
    else fields[rawKey] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return fields;
}

/** qs's decoder for UTF-8: `+` is a space; an escape that does not decode leaves the value undecoded. */
function decode(value: string): string {
  const spaced = value.includes('+') ? value.replace(/\+/g, ' ') : value;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
