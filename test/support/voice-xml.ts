import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * An explicit allow-list of Africa's Talking voice XML, as this project may send it. A reply
 * passes only if it is well-formed, has a single <Response>, and uses only these elements
 * with these attributes, children and value shapes.
 */

type Rule = {
  attrs: Record<string, (v: string) => boolean>;
  children: string[];
  maxChildren?: number;
  text: 'none' | 'required';
};

const httpsUrl = (v: string) => {
  try {
    const u = new URL(v);
    return u.protocol === 'https:' && u.hostname.length > 0;
  } catch {
    return false;
  }
};
const positiveInt = (v: string) => /^[1-9]\d{0,3}$/.test(v);
const bool = (v: string) => v === 'true' || v === 'false';
const key = (v: string) => /^[0-9#*]$/.test(v);

export const AT_VOICE_ELEMENTS: Record<string, Rule> = {
  Response: { attrs: {}, children: ['Say', 'Play', 'GetDigits', 'Record', 'Redirect', 'Reject'], text: 'none' },
  Say: { attrs: { voice: (v) => v === 'man' || v === 'woman', playBeep: bool }, children: [], text: 'required' },
  Play: { attrs: { url: httpsUrl }, children: [], text: 'none' },
  GetDigits: { attrs: { numDigits: positiveInt, timeout: positiveInt, finishOnKey: key, callbackUrl: httpsUrl }, children: ['Say', 'Play'], maxChildren: 1, text: 'none' },
  Record: {
    attrs: { finishOnKey: key, maxLength: positiveInt, timeout: positiveInt, trimSilence: bool, playBeep: bool, callbackUrl: httpsUrl },
    children: ['Say', 'Play'],
    maxChildren: 1,
    text: 'none',
  },
  Redirect: { attrs: {}, children: [], text: 'required' },
  Reject: { attrs: {}, children: [], text: 'none' },
};

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };
const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false, trimValues: false });

export type ParsedElement = { name: string; attrs: Record<string, string>; children: ParsedElement[]; text: string };

function toElement(node: OrderedNode): ParsedElement | null {
  const name = Object.keys(node).find((k) => k !== ':@');
  if (!name || name === '#text') return null;
  if (name === '?xml') return null;
  const inner = (node[name] as OrderedNode[]) ?? [];
  const children = inner.map(toElement).filter((e): e is ParsedElement => e !== null);
  const text = inner.map((n) => (typeof n['#text'] === 'string' ? n['#text'] : '')).join('');
  return { name, attrs: node[':@'] ?? {}, children, text };
}

/** Parses a reply and lists every way it breaks the allow-list (empty: valid). */
export function atVoiceXmlProblems(xml: string): string[] {
  const problems: string[] = [];
  if (!xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) problems.push('missing XML declaration');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return [...problems, `not well-formed: ${valid.err.msg}`];
  const roots = (parser.parse(xml) as OrderedNode[]).map(toElement).filter((e): e is ParsedElement => e !== null);
  if (roots.length !== 1 || roots[0]!.name !== 'Response') return [...problems, `root must be one <Response>, got ${roots.map((r) => r.name).join(',')}`];
  const check = (el: ParsedElement, parent: string) => {
    const rule = AT_VOICE_ELEMENTS[el.name];
    if (!rule) return void problems.push(`<${el.name}> is not an Africa's Talking voice element`);
    const allowedHere = AT_VOICE_ELEMENTS[parent]?.children ?? [];
    if (!allowedHere.includes(el.name)) problems.push(`<${el.name}> may not appear inside <${parent}>`);
    for (const [attr, value] of Object.entries(el.attrs)) {
      const ok = rule.attrs[attr];
      if (!ok) problems.push(`<${el.name}> has no attribute ${attr}`);
      else if (!ok(value)) problems.push(`<${el.name} ${attr}="${value}"> is not a valid value`);
    }
    if (rule.maxChildren !== undefined && el.children.length > rule.maxChildren) problems.push(`<${el.name}> wraps ${el.children.length} actions; at most ${rule.maxChildren}`);
    if (rule.text === 'required' && el.text.trim() === '') problems.push(`<${el.name}> is empty`);
    if (rule.text === 'none' && el.text.trim() !== '') problems.push(`<${el.name}> must not contain text`);
    if (el.name === 'Redirect' && !httpsUrl(el.text.trim())) problems.push(`<Redirect> must hold an https URL, got ${el.text}`);
    for (const child of el.children) check(child, el.name);
  };
  const response = roots[0]!;
  if (response.children.length === 0) problems.push('<Response> is empty');
  for (const child of response.children) check(child, 'Response');
  const listeners = response.children.filter((c) => c.name === 'GetDigits' || c.name === 'Record');
  if (listeners.length > 1) problems.push('more than one GetDigits/Record in a reply');
  return problems;
}

export function parseAtVoiceXml(xml: string): ParsedElement {
  const roots = (parser.parse(xml) as OrderedNode[]).map(toElement).filter((e): e is ParsedElement => e !== null);
  return roots[0]!;
}

/** A readable one-line-per-action view of a reply, for transcripts. */
export function describeVoiceXml(xml: string): string[] {
  const lines: string[] = [];
  const walk = (el: ParsedElement, depth: number) => {
    const attrs = Object.entries(el.attrs)
      .map(([k, v]) => ` ${k}="${v}"`)
      .join('');
    const text = el.text.trim();
    lines.push(`${'  '.repeat(depth)}<${el.name}${attrs}>${text ? ` ${text}` : ''}`);
    for (const c of el.children) walk(c, depth + 1);
  };
  const root = parseAtVoiceXml(xml);
  for (const c of root.children) walk(c, 0);
  return lines;
}
