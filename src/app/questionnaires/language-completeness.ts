import { requiredQuestionnaireKeys, missingQuestionnaireKeys } from '../../engine/texts.js';
import type { ShippedContent } from '../content.js';
import { missingSystemKeys } from '../content.js';
import type { Store } from '../../storage/ports.js';
import type { SystemTextSource } from '../../engine/prompt.js';
import type { AudioCatalog } from '../../channels/voice/audio.js';
import { spokenKeys } from '../../channels/voice/coverage.js';
import { loadQuestionnaire } from './questionnaire-catalog.js';
import type { LoadedQuestionnaire } from '../../engine/conversation.js';

/**
 * How complete each language is: USSD text of each current questionnaire and of the system
 * messages, and voice recordings by the voice channel's own rule (every prompt a voice call
 * in that language speaks). English needs none: Africa's Talking speaks it with Say.
 */

export type LanguageRow = {
  lang: string;
  name: string;
  draft: boolean;
  system: { required: number; missing: string[] };
  questionnaires: Array<{ id: string; version: number; required: number; missing: string[] }>;
  recordings: { required: number; recorded: number; missing: string[]; spokenBySay: boolean; offeredOnVoice: boolean };
};

export async function languageCompleteness(deps: {
  storage: Store;
  content: ShippedContent;
  languages: string[];
  defaultLanguage: string;
  texts: SystemTextSource;
  voice: { audio: AudioCatalog; languages: string[] };
}): Promise<LanguageRow[]> {
  const versions = await deps.storage.questionnaires.listVersions();
  const current = [...new Map(versions.filter((v) => v.status === 'published').map((v) => [v.id, v])).values()].map(loadQuestionnaire);
  const systemKeys = Object.keys(deps.content.locales[deps.defaultLanguage]?.system ?? {});
  return deps.languages.map((lang) => {
    const meta = deps.content.locales[lang]?.meta;
    const questionnaires = current.map((q) => ({
      id: q.id,
      version: q.version,
      required: requiredQuestionnaireKeys(q.definition).length,
      missing: missingQuestionnaireKeys(q.definition, q.texts[lang]),
    }));
    const required = new Set(current.flatMap((q) => [...spokenKeysOf(q, lang, deps.texts)]));
    const missing = [...required].filter((key) => !deps.voice.audio.entry(lang, key)).sort();
    return {
      lang,
      name: meta?.name ?? lang,
      draft: meta?.draft ?? false,
      system: { required: systemKeys.length, missing: missingSystemKeys(deps.content, lang, deps.defaultLanguage) },
      questionnaires,
      recordings: { required: required.size, recorded: required.size - missing.length, missing, spokenBySay: lang === 'en', offeredOnVoice: deps.voice.languages.includes(lang) },
    };
  });
}

/**
 * The prompts a call in `lang` speaks, walked once per published version and language: the
 * walk visits every path of the call (seconds of CPU on a small machine), a published version
 * never changes, and the system texts are read once at start.
 */
const spokenByTexts = new WeakMap<SystemTextSource, Map<string, string[]>>();
function spokenKeysOf(q: LoadedQuestionnaire, lang: string, texts: SystemTextSource): string[] {
  const cache = spokenByTexts.get(texts) ?? new Map<string, string[]>();
  spokenByTexts.set(texts, cache);
  const key = `${q.id}@${q.version}|${lang}`;
  let keys = cache.get(key);
  if (!keys) {
    keys = [...spokenKeys(q, lang, texts).keys()];
    cache.set(key, keys);
  }
  return keys;
}
