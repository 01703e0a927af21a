import { describe, expect, it } from 'vitest';
import { createAudioCatalog, loadAudioManifests } from '../../src/channels/voice/audio.js';
import { missingRecordings, voiceLanguages } from '../../src/channels/voice/coverage.js';
import { renderVoiceXml, voiceScreen } from '../../src/channels/voice/render.js';
import { walkQuestionnaire } from '../../src/engine/walk.js';
import { PROJECT_ROOT } from '../../src/entry/service.js';
import { content, fixture, LANGUAGES, run, shipped, systemTexts } from '../support/engine.js';
import { atVoiceXmlProblems, parseAtVoiceXml, type ParsedElement } from '../support/voice-xml.js';
import { PUBLIC_BASE, recordedRoot } from '../support/voice.js';

/**
 * Acceptance 1: every shipped questionnaire, every path, as a voice call, in every language
 * voice offers. Kiswahili and isiZulu are offered once recordings cover them, so the walk
 * runs on a copy of the content with a stand-in recording for every spoken key.
 */

const QUESTIONNAIRES = content.flows.map((f) => shipped(f.id));
const root = recordedRoot(['sw', 'zu']);
const audio = createAudioCatalog(loadAudioManifests(root, LANGUAGES, { useDrafts: false }), PUBLIC_BASE);
const offered = voiceLanguages(LANGUAGES, QUESTIONNAIRES, systemTexts, audio);
// the endings that quote the reference (said in English, so * says it again)
const QUOTES_REFERENCE = ['end:thanks', 'end:follow_up_yes', 'end:follow_up_no'];
const CALLBACK = `${PUBLIC_BASE}/voice?token=a%26b&seq=7`;

function elements(root: ParsedElement): ParsedElement[] {
  return [root, ...root.children.flatMap(elements)];
}

describe('voice walk', () => {
  it('offers a language on voice only when its recordings are complete; English always', () => {
    expect(offered).toEqual(['en', 'sw', 'zu']);
    const shippedAudio = createAudioCatalog(loadAudioManifests(PROJECT_ROOT, LANGUAGES, { useDrafts: false }), PUBLIC_BASE);
    expect(voiceLanguages(LANGUAGES, QUESTIONNAIRES, systemTexts, shippedAudio)).toEqual(['en']);
    expect(missingRecordings(QUESTIONNAIRES[0]!, 'sw', systemTexts, shippedAudio)).toContain('system.facility.prompt');
  });

  for (const q of QUESTIONNAIRES) {
    for (const lang of ['en', 'sw', 'zu']) {
      it(`${q.id} in ${lang}: every screen on every path is valid AT XML, and every prompt is recorded or English`, () => {
        // as voice runs it: no "check a report" (a reference has letters, which DTMF cannot send)
        const walk = walkQuestionnaire(q, lang, { texts: systemTexts, offerCheck: false });
        expect(walk.stuck).toEqual([]);
        expect(walk.paths).toBeGreaterThan(0);
        const missing: string[] = [];
        let replies = 0;
        for (const screen of walk.screens) {
          for (const error of [undefined, systemTexts.system(lang, 'voice.silence'), null]) {
            const vs = voiceScreen(screen, systemTexts, error);
            const xml = renderVoiceXml(vs, { audio, callbackUrl: CALLBACK, onMissingRecording: (s) => missing.push(`${screen.id}: ${s.key}`) });
            replies++;
            expect(atVoiceXmlProblems(xml), `${screen.id} ${xml}`).toEqual([]);
            for (const s of vs.segments) if (s.lang !== 'en') expect(audio.entry(s.lang, s.key), `${screen.id}: ${s.key}`).not.toBeNull();
            const tags = elements(parseAtVoiceXml(xml)).map((e) => e.name);
            // AT's Say speaks English only
            if (lang !== 'en') expect(tags, `${screen.id} speaks ${lang} with Say`).not.toContain('Say');
            // an ending never comes back on silence; only the said thank-you waits for * (its reference again)
            if (screen.kind === 'end')
              expect(tags.filter((t) => t === 'GetDigits' || t === 'Record' || t === 'Redirect')).toEqual(QUOTES_REFERENCE.includes(screen.id) && lang === 'en' ? ['GetDigits'] : []);
            else expect(tags.filter((t) => t === 'GetDigits' || t === 'Record')).toHaveLength(1);
            if (screen.question?.type === 'text') expect(tags).toContain('Record');
          }
        }
        expect(missing).toEqual([]);
        expect(replies).toBe(walk.screens.length * 3);
      });
    }
  }

  it('the every-type fixture in English: numbers end with #, free text is recorded, optional questions offer 0', () => {
    const q = fixture();
    const walk = walkQuestionnaire(q, 'en', { texts: systemTexts });
    const seen = new Set<string>();
    for (const screen of walk.screens) {
      const xml = renderVoiceXml(voiceScreen(screen, systemTexts), { audio, callbackUrl: CALLBACK });
      expect(atVoiceXmlProblems(xml), xml).toEqual([]);
      const listener = parseAtVoiceXml(xml).children.find((c) => c.name === 'GetDigits' || c.name === 'Record');
      if (!screen.question || !listener) continue;
      seen.add(screen.question.type);
      if (screen.question.type === 'text') expect(listener.name).toBe('Record');
      else if (screen.question.type === 'number' || screen.question.type === 'facility') expect(listener.attrs).toMatchObject({ finishOnKey: '#' });
      else expect(listener.attrs).toMatchObject({ numDigits: '1' });
      if (screen.question.optional) expect(xml).toContain(screen.question.type === 'text' ? 'Speak after the beep' : 'To skip this question, press 0.');
    }
    expect([...seen].sort()).toEqual(['choice', 'facility', 'number', 'rating', 'text', 'yesno']);
  });

  it('the language menu greets and offers each language in its own words and recordings', () => {
    const menu = run(QUESTIONNAIRES[0]!, [], { input: { languages: offered } })[0]!.prompt;
    const vs = voiceScreen(menu, systemTexts);
    const xml = renderVoiceXml(vs, { audio, callbackUrl: CALLBACK });
    expect(atVoiceXmlProblems(xml)).toEqual([]);
    expect(vs.segments.map((s) => `${s.lang}:${s.key}`)).toEqual([
      'en:system.voice.welcome',
      'sw:system.voice.welcome',
      'zu:system.voice.welcome',
      'en:system.language.name',
      'en:system.voice.press.1',
      'sw:system.language.name',
      'sw:system.voice.press.2',
      'zu:system.language.name',
      'zu:system.voice.press.3',
      'en:system.voice.repeat',
    ]);
    expect(xml).toContain('callbackUrl="https://crc.example.org/voice?token=a%26b&amp;seq=7"');
  });
});
