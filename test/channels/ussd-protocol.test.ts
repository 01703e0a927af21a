import { describe, expect, it } from 'vitest';
import { newInputSince, newInputSinceKept, prefilledFacilityCode } from '../../src/channels/ussd/protocol.js';
import { createInputDigest } from '../../src/text/input-digest.js';
import { layout, renderUssd } from '../../src/channels/ussd/render.js';
import type { Prompt } from '../../src/engine/prompt.js';
import { gsm7Septets, isGsm7, smsSegments, toGsm7Lookalikes, ussdLength } from '../../src/text/gsm.js';

describe('new input since the last accepted hop', () => {
  it.each([
    ['', '', null],
    ['', '1001', '1001'],
    ['', '1', '1'],
    ['1', '1*1001', '1001'],
    ['1*1001', '1*1001*a*b c', 'a*b c'],
    ['1*a*b', '1*a*b*2', '2'],
    ['1*a', '1*a*', ''],
    // not an extension of the last accepted text: a stale retry, never new input (issue 8)
    ['1*2*3', '1*2*9', null],
    ['1*2', '5', null],
    ['1*2*3', '1*2', null],
    ['1*2', '', null],
    ['1*2', '1*22', null],
    ['1*2', '1*3*4', null],
  ])('after %j, text %j brings %j, whether the session kept the text or its digest', (previous, text, expected) => {
    expect(newInputSince(previous, text)).toBe(expected);
    const digest = createInputDigest('a test secret of 32 characters..');
    expect(newInputSinceKept(digest(previous), text, digest)).toBe(expected);
    // a session stored before digests kept the text: read as before
    expect(newInputSinceKept(previous, text, digest)).toBe(expected);
  });
  it('keeps no input in a digest, and a digest under another key extends nothing', () => {
    const digest = createInputDigest('a test secret of 32 characters..');
    const kept = digest('1*482913');
    expect(kept).not.toContain('482913');
    expect(newInputSinceKept(kept, '1*482913*1', createInputDigest('another secret of 32 characters.'))).toBeNull();
    expect(newInputSinceKept(kept, '1*482913*1', digest)).toBe('1');
  });
  it('reads a pre-filled facility code only when it looks like one', () => {
    expect(prefilledFacilityCode('1001')).toBe('1001');
    expect(prefilledFacilityCode('1001*2')).toBe('1001');
    expect(prefilledFacilityCode('')).toBeNull();
    expect(prefilledFacilityCode('12')).toBeNull();
    expect(prefilledFacilityCode('abc')).toBeNull();
  });
});

const text = (t: string) => ({ key: 'k', text: t });
const menu = (n: number, label = (i: number) => `Option number ${i}`, extra: Partial<Prompt> = {}): Prompt => ({
  id: 'q:x',
  kind: 'menu',
  lang: 'en',
  error: null,
  body: [text('Pick one of these options please')],
  options: Array.from({ length: n }, (_, i) => ({ value: `o${i}`, label: text(label(i + 1)) })),
  listen: { ussd: 'menu', voice: 'key' },
  question: null,
  nav: { back: true, skip: false, labels: { back: text('Back'), skip: text('Skip'), more: text('More') } },
  ...extra,
});

describe('USSD rendering', () => {
  it('numbers options and adds the back line', () => {
    expect(renderUssd(menu(2), 0, 182).text).toBe('CON Pick one of these options please\n1. Option number 1\n2. Option number 2\n0. Back');
  });
  it('pages a long menu, keeping numbers across pages, and every page fits', () => {
    const p = menu(12);
    const { pages, fits } = layout(p, 182);
    expect(fits).toBe(true);
    expect(pages.length).toBeGreaterThan(1);
    const screens = pages.map((_, i) => renderUssd(p, i, 182).text);
    for (const s of screens) expect(ussdLength(s)).toBeLessThanOrEqual(182);
    expect(screens[0]).toContain('98. More');
    expect(screens.at(-1)).not.toContain('98. More');
    expect(screens.at(-1)).toContain('12. Option number 12');
    expect(screens.join('\n').match(/^\d+\. Option/gm)).toHaveLength(12);
  });
  it('counts a screen as UCS-2 when one character needs it', () => {
    const ascii = menu(6, (i) => `Choice ${i}`);
    const ucs2 = menu(6, (i) => `Choice ${i} ✓`);
    expect(layout(ascii, 182).pages).toHaveLength(1);
    expect(layout(ucs2, 182).pages.length).toBeGreaterThan(1);
    for (let i = 0; i < layout(ucs2, 182).pages.length; i++) expect(ussdLength(renderUssd(ucs2, i, 182).text)).toBeLessThanOrEqual(182);
  });
  it('says when a single option cannot fit', () => {
    expect(
      layout(
        menu(2, () => 'x'.repeat(200)),
        182,
      ).fits,
    ).toBe(false);
  });
  it('clips an end screen that would not fit rather than break the session', () => {
    const end: Prompt = { ...menu(0), kind: 'end', body: [text('y'.repeat(300))] };
    const r = renderUssd(end, 0, 182);
    expect(r.end).toBe(true);
    expect(ussdLength(r.text)).toBeLessThanOrEqual(182);
  });
});

describe('GSM-7', () => {
  it('knows the basic set, the extension table and what forces UCS-2', () => {
    expect(isGsm7('Hello, Ngiyabonga! 18-34 @£$')).toBe(true);
    expect(gsm7Septets('a€[')).toBe(5);
    expect(isGsm7('it’s')).toBe(false);
    expect(ussdLength('€')).toBe(2);
    expect(ussdLength('✓')).toBe(3);
  });
  it('counts SMS segments', () => {
    expect(smsSegments('x'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('x'.repeat(161)).segments).toBe(2);
    expect(smsSegments('x'.repeat(306)).segments).toBe(2);
    expect(smsSegments('x'.repeat(307)).segments).toBe(3);
    expect(smsSegments('✓'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSegments('✓'.repeat(71)).segments).toBe(2);
  });
  it('replaces typographic look-alikes with GSM-7 characters', () => {
    expect(toGsm7Lookalikes('“Good” – it’s fine…')).toBe('"Good" - it\'s fine...');
    expect(isGsm7(toGsm7Lookalikes('“Good” – it’s fine…'))).toBe(true);
  });
});
