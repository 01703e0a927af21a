import type { LoadedQuestionnaire } from '../../engine/conversation.js';
import type { SystemTextSource } from '../../engine/prompt.js';
import { walkQuestionnaire } from '../../engine/walk.js';
import type { AudioCatalog } from './audio.js';
import { MAX_VOICE_OPTIONS } from './protocol.js';
import { voiceScreen } from './render.js';

/**
 * Which recordings a language needs before it can be offered on voice: every key spoken on
 * any path of any questionnaire (found by walking every path, as publishing does), plus the
 * voice-only lines (greeting, key names, silence, the polite endings). English needs none:
 * Africa's Talking speaks it with Say.
 */

export const ALWAYS_SPOKEN = [
  'system.voice.welcome',
  'system.language.name',
  ...Array.from({ length: MAX_VOICE_OPTIONS }, (_, i) => `system.voice.press.${i + 1}`),
  'system.voice.repeat',
  'system.voice.silence',
  'system.end.no_answer',
  'system.end.error',
];

/** Every key a voice call of this questionnaire can speak in `lang`, with the text each stands for. */
export function spokenKeys(q: LoadedQuestionnaire, lang: string, texts: SystemTextSource): Map<string, string> {
  const keys = new Map<string, string>();
  for (const key of ALWAYS_SPOKEN) {
    const text = key === 'system.language.name' ? texts.languageName(lang).text : texts.system(lang, key.replace(/^system\./, '')).text;
    keys.set(key, text);
  }
  // "check a report" included: its screens need recordings like every other
  const walk = walkQuestionnaire(q, lang, { texts, offerCheck: true });
  for (const screen of walk.screens) {
    for (const s of voiceScreen(screen, texts).segments) if (s.lang === lang && !keys.has(s.key)) keys.set(s.key, s.text);
  }
  return keys;
}

export function missingRecordings(q: LoadedQuestionnaire, lang: string, texts: SystemTextSource, audio: AudioCatalog): string[] {
  return [...spokenKeys(q, lang, texts).keys()].filter((key) => !audio.entry(lang, key)).sort();
}

/** Choice questions a caller could not answer with one key. */
export function tooManyOptionsForVoice(q: LoadedQuestionnaire): string[] {
  return q.definition.questions.filter((x) => x.type === 'choice' && x.options.length > MAX_VOICE_OPTIONS).map((x) => x.id);
}

/**
 * The languages voice offers, in the order given: English (Say) and every language whose
 * recordings cover every questionnaire.
 */
export function voiceLanguages(languages: string[], questionnaires: LoadedQuestionnaire[], texts: SystemTextSource, audio: AudioCatalog): string[] {
  return languages.filter((lang) => lang === 'en' || questionnaires.every((q) => missingRecordings(q, lang, texts, audio).length === 0));
}
