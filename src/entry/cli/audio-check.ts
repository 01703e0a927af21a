import { loadConfig } from '../config.js';
import { createAudioCatalog, loadAudioManifests } from '../../channels/voice/audio.js';
import { missingRecordings, voiceLanguages } from '../../channels/voice/coverage.js';
import { loadQuestionnaire } from '../../app/questionnaires/questionnaire-catalog.js';
import { createSystemTexts, loadShippedContent, textsFor } from '../../app/content.js';
import { offeredLanguages, PROJECT_ROOT } from '../service.js';

/**
 * `npm run audio:check [-- --strict]`: lists, per questionnaire and language, the prompts
 * that have no human recording yet, and which languages voice would offer. English needs
 * none (Africa's Talking speaks it with Say). Drafts from `npm run audio:draft` are shown
 * separately and never count as recordings. --strict exits 1 when anything is missing.
 */
const strict = process.argv.includes('--strict');
const config = loadConfig();
const content = loadShippedContent(PROJECT_ROOT);
const languages = offeredLanguages(content, config);
const texts = createSystemTexts(content, config.defaultLanguage, { helpline: config.helpline });
const human = createAudioCatalog(loadAudioManifests(PROJECT_ROOT, languages, { useDrafts: false }), 'https://example.invalid');
const withDrafts = createAudioCatalog(loadAudioManifests(PROJECT_ROOT, languages, { useDrafts: true }), 'https://example.invalid');
const questionnaires = content.flows.map((definition) => loadQuestionnaire({ id: definition.id, version: 0, definition, texts: textsFor(content, definition.id) }));

let missingAny = false;
for (const q of questionnaires) {
  console.log(`${q.id}`);
  for (const lang of languages) {
    const missing = missingRecordings(q, lang, texts, human);
    const drafted = missing.filter((key) => withDrafts.entry(lang, key));
    if (lang === 'en' && missing.length > 0) {
      console.log(`  en: spoken with Say (${missing.length} prompts without a recording; none needed)`);
      continue;
    }
    if (missing.length === 0) {
      console.log(`  ${lang}: complete`);
      continue;
    }
    missingAny = true;
    console.log(`  ${lang}: ${missing.length} missing${drafted.length ? ` (${drafted.length} have a DRAFT from audio:draft)` : ''}`);
    for (const key of missing) console.log(`    ${key}${withDrafts.entry(lang, key) ? '  [draft only]' : ''}`);
  }
}
console.log('');
console.log(`voice offers now: ${voiceLanguages(languages, questionnaires, texts, human).join(', ')}`);
console.log(`with VOICE_DRAFT_AUDIO=true: ${voiceLanguages(languages, questionnaires, texts, withDrafts).join(', ')}`);
process.exit(strict && missingAny ? 1 : 0);
