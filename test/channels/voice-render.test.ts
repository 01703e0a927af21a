import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createAudioCatalog, type AudioEntry } from '../../src/channels/voice/audio.js';
import { renderVoiceXml, voiceScreen, voiceXmlTemplate, type Segment } from '../../src/channels/voice/render.js';
import { el, escapeXml, serialize, xmlDocument } from '../../src/channels/voice/xml.js';
import type { Prompt } from '../../src/engine/prompt.js';
import { run, shipped, systemTexts } from '../support/engine.js';
import { atVoiceXmlProblems, parseAtVoiceXml } from '../support/voice-xml.js';

const BASE = 'https://crc.example.org';
const none = createAudioCatalog({}, BASE);

describe('XML builder', () => {
  it('escapes markup in text and attributes, so input cannot add elements', () => {
    const hostile = `Clinic </Say><Reject/><Say a="b"> & 'quotes' "double"`;
    const xml = xmlDocument(el('Response', undefined, [el('Say', undefined, hostile), el('Play', { url: `${BASE}/a?x="1"&y=<2>` })]));
    expect(atVoiceXmlProblems(xml)).toEqual([]);
    const root = parseAtVoiceXml(xml);
    expect(root.children.map((c) => c.name)).toEqual(['Say', 'Play']);
    expect(root.children[0]!.text).toBe(hostile);
    expect(root.children[1]!.attrs.url).toBe(`${BASE}/a?x="1"&y=<2>`);
  });

  it('drops characters XML cannot carry, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const xml = xmlDocument(el('Response', undefined, [el('Say', undefined, `x${s}`)]));
        expect(atVoiceXmlProblems(xml)).toEqual([]);
      }),
      { numRuns: 300 },
    );
    expect(escapeXml('a\u0000b\u0007c\uFFFEd')).toBe('abcd');
  });

  it('refuses element and attribute names that are not plain names', () => {
    expect(() => serialize(el('Say onload', undefined, 'x'))).toThrow();
    expect(() => serialize(el('Say', { 'a="1" b': 'x' }))).toThrow();
  });
});

describe('voice renderer', () => {
  const clinic = shipped('clinic');
  const screens = run(clinic, ['1001', '1'], { input: { languages: ['en'] } });
  const question = screens.at(-1)!.prompt;

  it('speaks a choice question with Say in English, keys 1-n, star to repeat, inside one GetDigits', () => {
    const xml = renderVoiceXml(voiceScreen(question, systemTexts), { audio: none, callbackUrl: `${BASE}/voice?seq=3` });
    expect(atVoiceXmlProblems(xml)).toEqual([]);
    const root = parseAtVoiceXml(xml);
    expect(root.children.map((c) => c.name)).toEqual(['GetDigits', 'Redirect']);
    expect(root.children[0]!.attrs).toEqual({ numDigits: '1', timeout: '10', callbackUrl: `${BASE}/voice?seq=3` });
    expect(root.children[0]!.children[0]!.text).toBe(
      'How long did you wait before you were helped? Under 30 minutes. Press 1. 30 minutes to 1 hour. Press 2. 1 to 2 hours. Press 3. 2 to 4 hours. Press 4. Over 4 hours. Press 5. To hear this again, press star.',
    );
  });

  it('says an option by its spoken form where the written one is abbreviated, and the screen keeps the short one', () => {
    expect(question.options[0]!.label).toEqual({ key: 'clinic.questions.wait.options.lt30m', text: 'Under 30 min', spoken: 'Under 30 minutes' });
    const segments = voiceScreen(question, systemTexts).segments.map((s) => s.text);
    expect(segments).toContain('Under 30 minutes');
    expect(segments).toContain('30 minutes to 1 hour');
    expect(segments.join(' ')).not.toMatch(/\bmin\b/);
  });

  it('keeps spoken forms in a tree with no dotted keys, as FerretDB stores them', () => {
    const keys = (node: unknown): string[] => (node && typeof node === 'object' ? Object.entries(node).flatMap(([k, v]) => [k, ...keys(v)]) : []);
    for (const id of ['clinic', 'police', 'social_grant']) {
      for (const [lang, texts] of Object.entries(shipped(id).texts)) {
        expect(texts.spoken, `${id} ${lang}`).toBeDefined();
        expect(
          keys(texts).filter((k) => k.includes('.')),
          `${id} ${lang}`,
        ).toEqual([]);
      }
    }
  });

  it('plays recordings in order and listens during the last one', () => {
    const entries = new Map<string, AudioEntry>([
      ['clinic.questions.wait.text', { file: 'q.wav', draft: false }],
      ['system.voice.repeat', { file: 'repeat.wav', draft: false }],
    ]);
    const audio = createAudioCatalog({ en: entries }, BASE);
    const xml = renderVoiceXml(voiceScreen(question, systemTexts), { audio, callbackUrl: `${BASE}/voice?seq=3` });
    const root = parseAtVoiceXml(xml);
    // recorded segments play; English without a recording is said; consecutive Says merge
    expect(root.children.map((c) => c.name)).toEqual(['Play', 'Say', 'GetDigits', 'Redirect']);
    expect(root.children[0]!.attrs.url).toBe(`${BASE}/voice/audio/en/q.wav`);
    expect(root.children[2]!.children.map((c) => `${c.name}:${c.attrs.url}`)).toEqual([`Play:${BASE}/voice/audio/en/repeat.wav`]);
  });

  it('falls back to Say for an unrecorded non-English segment and reports it', () => {
    const missing: Segment[] = [];
    const sw = run(clinic, ['1001', '1'], { input: { languages: ['sw'], rememberedLanguage: 'sw' } }).at(-1)!.prompt;
    const xml = renderVoiceXml(voiceScreen(sw, systemTexts), { audio: none, callbackUrl: `${BASE}/voice?seq=1`, onMissingRecording: (s) => missing.push(s) });
    expect(atVoiceXmlProblems(xml)).toEqual([]);
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.every((s) => s.lang === 'sw')).toBe(true);
  });

  it('words engine errors for the keypad, without numbers the caller cannot see', () => {
    const wrong: Prompt = { ...question, error: systemTexts.system('en', 'error.choice', { max: 5 }) };
    const vs = voiceScreen(wrong, systemTexts);
    expect(vs.segments[0]).toEqual({ lang: 'en', key: 'system.voice.wrong_key', text: 'Sorry, that key is not one of the choices.' });
    expect(voiceScreen(wrong, systemTexts, null).segments[0]!.key).toBe('clinic.questions.wait.text');
  });

  it('ends the words before "Then press the hash key." with a full stop, not the screen\'s colon', () => {
    const facility = run(clinic, [], { input: { languages: ['en'] } }).at(-1)!.prompt;
    expect(facility.body[0]!.text).toBe('Enter the facility code shown on the poster:');
    const xml = renderVoiceXml(voiceScreen(facility, systemTexts), { audio: none, callbackUrl: `${BASE}/voice?seq=2` });
    expect(parseAtVoiceXml(xml).children[0]!.children[0]!.text).toBe('Enter the facility code shown on the poster. Then press the hash key. To hear this again, press star.');
    // a menu's colon stays: the options follow it
    const gender: Prompt = { ...question, body: [{ key: 'k', text: 'You are:' }] };
    expect(voiceScreen(gender, systemTexts).segments[0]!.text).toBe('You are:');
  });

  it('the thank-you, said, offers its reference again with star and hangs up on silence; recorded (no reference in it), it just ends', () => {
    // satisfaction 4, no problem: no concern, so the thank-you ends the report
    const answers = ['1001', '1', '1', '1', '1', '4', '1', '1', '1', '1'];
    const thanks = run(clinic, answers, { input: { languages: ['en'] } }).at(-1)!.prompt;
    expect(thanks.id).toBe('end:thanks');
    const withRef = { ...thanks, body: [systemTexts.system('en', 'end.thanks', { facility: 'Riverside Clinic', ref: 'R000-001' })] };
    const said = parseAtVoiceXml(renderVoiceXml(voiceScreen(withRef, systemTexts), { audio: none, callbackUrl: `${BASE}/voice?seq=12` }));
    expect(said.children.map((c) => c.name)).toEqual(['GetDigits']);
    expect(said.children[0]!.attrs).toEqual({ numDigits: '1', timeout: '10', callbackUrl: `${BASE}/voice?seq=12` });
    expect(said.children[0]!.children[0]!.text).toBe(
      'Thank you! Your report on Riverside Clinic is saved. Your reference number is R000-001. Results go to the managers. To hear your reference number again, press star.',
    );
    const audio = createAudioCatalog({ en: new Map<string, AudioEntry>([['system.end.thanks', { file: 'thanks.wav', draft: false }]]) }, BASE);
    const played = parseAtVoiceXml(renderVoiceXml(voiceScreen(withRef, systemTexts), { audio, callbackUrl: `${BASE}/voice?seq=12` }));
    expect(played.children.map((c) => c.name)).toEqual(['Play']);
  });

  it('ends with the closing words and nothing that listens', () => {
    const end = run(clinic, ['1001', '2'], { input: { languages: ['en'] } }).at(-1)!.prompt;
    const xml = renderVoiceXml(voiceScreen(end, systemTexts), { audio: none, callbackUrl: `${BASE}/voice?seq=9` });
    expect(atVoiceXmlProblems(xml)).toEqual([]);
    expect(parseAtVoiceXml(xml).children.map((c) => `${c.name}:${c.text}`)).toEqual(['Say:No problem. Thank you.']);
  });
});

describe('voice XML templates (a screen built once, its callback URL filled in per reply)', () => {
  const clinic = shipped('clinic');
  // rated 4 with no problem: no concern, so the report ends on the thank-you
  const screens = run(clinic, ['1001', '1', '3', '2', '2', '4', '1', '2', '1', '2'], { input: { languages: ['en'] } }).map((s) => s.prompt);
  const urls = [`${BASE}/voice?seq=1`, `${BASE}/voice?token=a%26b&seq=12`, `${BASE}/voice?token="<x>'&seq=3`];

  it('fills in the URL where it stands, escaped, and nowhere else, on every screen of a report', () => {
    expect(screens.map((p) => p.id)).toContain('end:thanks');
    for (const prompt of screens) {
      for (const greet of [true, false]) {
        const screen = voiceScreen(prompt, systemTexts, undefined, { greet });
        const template = voiceXmlTemplate(screen, none);
        const [first, ...others] = urls.map((url) => template.fill(url));
        for (const [i, xml] of others.entries()) expect(xml, prompt.id).toBe(first!.split(escapeXml(urls[0]!)).join(escapeXml(urls[i + 1]!)));
        const root = parseAtVoiceXml(template.fill(urls[2]!));
        const listener = root.children.find((c) => c.name === 'GetDigits' || c.name === 'Record');
        if (listener) expect(listener.attrs.callbackUrl).toBe(urls[2]);
        const redirect = root.children.find((c) => c.name === 'Redirect');
        if (redirect) expect(redirect.text).toBe(urls[2]);
      }
    }
  });

  it('renders a screen whose own words hold the placeholder in full, every time', () => {
    const prompt = screens[3]!;
    const odd: Prompt = { ...prompt, body: [{ key: 'x', text: 'A \uE000callbackUrl\uE000 and \uE000 text' }] };
    const template = voiceXmlTemplate(voiceScreen(odd, systemTexts), none);
    const xml = template.fill(urls[1]!);
    const root = parseAtVoiceXml(xml);
    expect(root.children[0]!.children[0]!.text).toContain('A \uE000callbackUrl\uE000 and \uE000 text');
    expect(root.children[0]!.attrs.callbackUrl).toBe(urls[1]);
    expect(root.children.at(-1)!.text).toBe(urls[1]);
  });

  it('lists the segments spoken for want of a recording, for the caller to report on every reply', () => {
    const sw: Prompt = { ...screens[3]!, lang: 'sw' };
    const template = voiceXmlTemplate(voiceScreen(sw, systemTexts), none);
    expect(template.missing.length).toBeGreaterThan(0);
    expect(template.missing.every((s) => s.lang === 'sw')).toBe(true);
  });
});
