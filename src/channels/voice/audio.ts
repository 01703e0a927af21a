import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile } from '../../text/json-file.js';

/**
 * Recorded prompts. Each language has `locales/<lang>/audio.json`: a manifest from prompt
 * key (the `Text.key` the engine emits, e.g. `system.facility.prompt`,
 * `clinic.questions.wait.text`) to a file under `locales/<lang>/audio/`. Human recordings
 * live there. Machine drafts made by `npm run audio:draft` live in a separate manifest,
 * `audio.draft.json`, and are used only when VOICE_DRAFT_AUDIO=true, so a draft can never
 * pass for a human recording.
 */

// relative, lower-case, no "..": safe to join under the audio folder and to put in a URL
const SafeFile = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]*(\/[a-z0-9][a-z0-9_.-]*)*\.(wav|mp3)$/, 'must be a relative path of lower-case letters, digits, _ . - ending in .wav or .mp3')
  .refine((f) => !f.split('/').includes('..'), 'must not contain ..');

export const AudioEntry = z.object({
  file: SafeFile,
  /** the words actually recorded; for texts with {variables}, the generic wording used */
  text: z.string().optional(),
  draft: z.boolean().default(false),
});
export type AudioEntry = z.infer<typeof AudioEntry>;

export const AudioManifest = z.object({
  /** who recorded, when, and anything a reviewer should know */
  note: z.string().optional(),
  recordings: z.record(z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/, 'keys look like system.facility.prompt'), AudioEntry),
});
export type AudioManifest = z.infer<typeof AudioManifest>;

export const AUDIO_DIR = 'audio';
export const MANIFEST = 'audio.json';
export const DRAFT_MANIFEST = 'audio.draft.json';

export type AudioCatalog = {
  /** the recording for a key in a language, if any */
  entry(lang: string, key: string): AudioEntry | null;
  /** the public URL AT fetches the recording from */
  url(lang: string, key: string): string | null;
  /** languages and how many recordings each has (drafts counted separately) */
  summary(): Record<string, { human: number; draft: number }>;
};

/** Loads every language's manifest; a listed file that does not exist stops the load. */
export function loadAudioManifests(root: string, languages: string[], options: { useDrafts: boolean }): Record<string, Map<string, AudioEntry>> {
  const out: Record<string, Map<string, AudioEntry>> = {};
  for (const lang of languages) {
    const dir = join(root, 'locales', lang);
    const entries = new Map<string, AudioEntry>();
    const sources: Array<[string, boolean]> = [[join(dir, MANIFEST), false]];
    if (options.useDrafts) sources.push([join(dir, DRAFT_MANIFEST), true]);
    for (const [file, draft] of sources) {
      if (!existsSync(file)) continue;
      for (const [key, entry] of Object.entries(readJsonFile(file, AudioManifest).recordings)) {
        if (draft && entries.has(key)) continue; // a human recording always wins
        if (!existsSync(join(dir, AUDIO_DIR, entry.file))) throw new Error(`${file}: ${key} names ${entry.file}, which is not in ${join(dir, AUDIO_DIR)}`);
        entries.set(key, { ...entry, draft: draft || entry.draft });
      }
    }
    out[lang] = entries;
  }
  return out;
}

export function createAudioCatalog(manifests: Record<string, Map<string, AudioEntry>>, publicBaseUrl: string): AudioCatalog {
  const base = publicBaseUrl.replace(/\/+$/, '');
  return {
    entry: (lang, key) => manifests[lang]?.get(key) ?? null,
    url(lang, key) {
      const e = manifests[lang]?.get(key);
      return e ? `${base}/voice/audio/${encodeURIComponent(lang)}/${e.file.split('/').map(encodeURIComponent).join('/')}` : null;
    },
    summary() {
      return Object.fromEntries(
        Object.entries(manifests).map(([lang, m]) => {
          const all = [...m.values()];
          return [lang, { human: all.filter((e) => !e.draft).length, draft: all.filter((e) => e.draft).length }];
        }),
      );
    },
  };
}
