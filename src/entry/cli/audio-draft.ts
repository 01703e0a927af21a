import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig } from '../config.js';
import { AUDIO_DIR, createAudioCatalog, DRAFT_MANIFEST, loadAudioManifests, type AudioEntry } from '../../channels/voice/audio.js';
import { spokenKeys } from '../../channels/voice/coverage.js';
import { loadQuestionnaire } from '../../app/questionnaires/questionnaire-catalog.js';
import { lookupPath } from '../../engine/texts.js';
import { createSystemTexts, loadShippedContent, textsFor, type ShippedContent } from '../../app/content.js';
import { offeredLanguages, PROJECT_ROOT } from '../service.js';

/**
 * `npm run audio:draft [-- --lang sw]`: makes DRAFT recordings with Debian's espeak-ng for
 * every prompt that has no human recording, in each language espeak-ng speaks (English is
 * left to Say). They go to locales/<lang>/audio/draft/ and locales/<lang>/audio.draft.json,
 * both ignored by git, and are played only when VOICE_DRAFT_AUDIO=true. Machine speech is a
 * stand-in for trying the voice channel, never a human recording.
 *
 * Texts with {variables} get a generic wording: {facility} becomes the language's
 * `voice.this_facility` ("this facility"), {helpline} is filled from HELPLINE, and the
 * reference ("Ref {ref}.") is left out. Human recordings should be worded the same way.
 * Needs: apt-get install espeak-ng (and sox, optional, to make small 8 kHz files).
 */
const config = loadConfig();
const content = loadShippedContent(PROJECT_ROOT);
const only = process.argv.includes('--lang') ? process.argv[process.argv.indexOf('--lang') + 1] : undefined;
const languages = offeredLanguages(content, config).filter((l) => l !== 'en' && (!only || l === only));
const texts = createSystemTexts(content, config.defaultLanguage, { helpline: config.helpline });
const human = createAudioCatalog(loadAudioManifests(PROJECT_ROOT, languages, { useDrafts: false }), 'https://example.invalid');
const questionnaires = content.flows.map((definition) => loadQuestionnaire({ id: definition.id, version: 0, definition, texts: textsFor(content, definition.id) }));

const have = (cmd: string, args: string[]) => {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
if (!have('espeak-ng', ['--version'])) {
  console.error('espeak-ng is not installed: apt-get install -y espeak-ng');
  process.exit(1);
}
const withSox = have('sox', ['--version']);

/** The words of a key in a language, with {variables} left out ({helpline} filled in). */
function template(c: ShippedContent, lang: string, key: string): string | undefined {
  const locale = c.locales[lang];
  if (!locale) return undefined;
  let raw: string | undefined;
  if (key === 'system.language.name') raw = locale.meta.nativeName;
  else if (key.startsWith('system.')) raw = locale.system[key.slice('system.'.length)];
  else {
    const [qid, ...path] = key.split('.');
    raw = lookupPath(locale.questionnaires[qid!], path.join('.'));
  }
  if (raw === undefined) return undefined;
  return (
    raw
      .replace(/\{helpline\}/g, config.helpline)
      .replace(/\{facility\}/g, locale.system['voice.this_facility'] ?? '')
      // "Ref {ref}." goes as a whole: the reference is different on every call
      .replace(/\S+\s*\{ref\}\.?/g, '')
      .replace(/\s*\{\w+\}/g, '')
      .replace(/\s+([.,:;!?])/g, '$1')
      .replace(/\s{2,}/g, ' ')
      .trim()
  );
}

let failed = false;
for (const lang of languages) {
  const voice = execFileSync('espeak-ng', [`--voices=${lang}`], { encoding: 'utf8' });
  if (
    !voice
      .split('\n')
      .slice(1)
      .some((line) => line.trim().split(/\s+/)[1] === lang)
  ) {
    console.log(`${lang}: espeak-ng has no voice for it; no drafts (record it by hand)`);
    continue;
  }
  const keys = new Map<string, string>();
  for (const q of questionnaires) for (const key of spokenKeys(q, lang, texts).keys()) if (!human.entry(lang, key)) keys.set(key, template(content, lang, key) ?? '');
  const dir = join(PROJECT_ROOT, 'locales', lang);
  const recordings: Record<string, AudioEntry> = {};
  const work = mkdtempSync(join(tmpdir(), 'crc-draft-'));
  for (const [key, words] of keys) {
    if (!words) {
      console.error(`${lang}: no text for ${key}`);
      failed = true;
      continue;
    }
    const file = `draft/${key.replace(/\./g, '/')}.wav`;
    const out = join(dir, AUDIO_DIR, file);
    mkdirSync(dirname(out), { recursive: true });
    const raw = join(work, 'raw.wav');
    execFileSync('espeak-ng', ['-v', lang, '-s', '150', '-w', raw, words]);
    // 8 kHz mono is what a phone line carries; it keeps drafts small
    if (withSox) execFileSync('sox', [raw, '-r', '8000', '-c', '1', '-b', '16', out]);
    else renameSync(raw, out);
    recordings[key] = { file, text: words, draft: true };
  }
  rmSync(work, { recursive: true, force: true });
  const manifest = {
    note: 'DRAFT machine speech made by npm run audio:draft with espeak-ng. Not a human recording. Played only when VOICE_DRAFT_AUDIO=true. Not committed.',
    recordings,
  };
  writeFileSync(join(dir, DRAFT_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`${lang}: ${Object.keys(recordings).length} draft recordings in locales/${lang}/${AUDIO_DIR}/draft/ (listed in ${DRAFT_MANIFEST})`);
}
process.exit(failed ? 1 : 0);
