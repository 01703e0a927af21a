import type { Router } from 'express';
import type { Config } from './config.js';
import type { LoadedQuestionnaire } from '../engine/conversation.js';
import type { SystemTextSource } from '../engine/prompt.js';
import { createAudioCatalog, loadAudioManifests, type AudioCatalog } from '../channels/voice/audio.js';
import { missingRecordings, tooManyOptionsForVoice, voiceLanguages } from '../channels/voice/coverage.js';
import { MAX_VOICE_OPTIONS } from '../channels/voice/protocol.js';
import { textsFor, type ShippedContent } from '../app/content.js';
import { voiceAudioRoutes, voiceCallback } from '../http/routes/voice.js';
import type { Callback } from '../http/callbacks.js';
import type { ServiceMetrics } from '../http/metrics.js';
import { voiceAdapter } from '../channels/voice/adapter.js';
import { createHopHandler, type HopDeps } from '../app/hops/handle-hop.js';
import { recordCallEnd } from '../app/hops/session-ended.js';
import { loadQuestionnaire } from '../app/questionnaires/questionnaire-catalog.js';
import type { ChannelCheck, ValidationIssue } from '../app/questionnaires/validate-questionnaire.js';

/**
 * Puts the voice channel together: recordings, the languages voice can offer, the check
 * publishing runs for voice, the use case and its routes.
 *
 * The languages are decided at start from the shipped questionnaires: English (spoken by
 * Africa's Talking's Say) and every language whose recordings cover every prompt. The
 * publishing check then refuses a new version that lacks a recording in one of those
 * languages, so the set stays true while the process runs.
 */

export type VoiceChannel = {
  languages: string[];
  audio: AudioCatalog;
  /** null when voice is off (no PUBLIC_BASE_URL in production) */
  baseUrl: string | null;
  channelCheck: ChannelCheck;
  /** the callback and the recordings' routes; call after the conversation exists */
  routes(deps: Omit<HopDeps, 'settings'> & { metrics: Pick<ServiceMetrics, 'now' | 'hop'> }): { callback: Callback; audio: Router };
};

export function prepareVoiceChannel(input: {
  config: Pick<Config, 'publicBaseUrl' | 'production' | 'port' | 'voice' | 'callbackToken' | 'sessionTtlMinutes'>;
  root: string;
  content: ShippedContent;
  languages: string[];
  texts: SystemTextSource;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };
}): VoiceChannel {
  const { config, root, content, texts, log } = input;
  const shipped: LoadedQuestionnaire[] = content.flows.map((definition) => loadQuestionnaire({ id: definition.id, version: 0, definition, texts: textsFor(content, definition.id) }));
  const manifests = loadAudioManifests(root, Object.keys(content.locales), { useDrafts: config.voice.draftAudio });
  const baseUrl = config.publicBaseUrl ?? (config.production ? null : `http://localhost:${config.port}`);
  const audio = createAudioCatalog(manifests, baseUrl ?? 'https://voice-is-off.invalid');
  const languages = baseUrl ? voiceLanguages(input.languages, shipped, texts, audio) : [];

  if (!config.publicBaseUrl && config.production) log.error({}, "PUBLIC_BASE_URL is not set: voice calls are rejected. Set it to the https URL Africa's Talking reaches this service on.");
  else if (!config.publicBaseUrl) log.warn({ baseUrl }, "PUBLIC_BASE_URL is not set: voice replies point at localhost, which Africa's Talking cannot reach");
  const drafts = Object.entries(audio.summary())
    .filter(([, n]) => n.draft > 0)
    .map(([lang]) => lang);
  if (drafts.length) log.warn({ languages: drafts }, 'voice plays DRAFT machine-made recordings (VOICE_DRAFT_AUDIO=true); replace them with human recordings before public use');
  if (baseUrl && languages.length === 0)
    log.error({ offered: input.languages }, 'no language can be offered on voice (English is not offered and no other language has complete recordings): voice calls are rejected');
  log.info({ voiceLanguages: languages, recordings: audio.summary() }, 'voice languages');

  const channelCheck: ChannelCheck = ({ definition, texts: questionnaireTexts }) => {
    if (!baseUrl) return [];
    const q = loadQuestionnaire({ id: definition.id, version: 0, definition, texts: questionnaireTexts });
    const issues: ValidationIssue[] = tooManyOptionsForVoice(q).map((id) => ({
      where: `question "${id}"`,
      message: `has more than ${MAX_VOICE_OPTIONS} options: voice callers answer with one key from 1 to ${MAX_VOICE_OPTIONS}`,
    }));
    for (const lang of languages) {
      if (lang === 'en' || !questionnaireTexts[lang]) continue;
      for (const key of missingRecordings(q, lang, texts, audio)) {
        issues.push({ where: `recording ${key}`, lang, message: `no recording: voice offers ${lang}, so add one to locales/${lang}/audio.json` });
      }
    }
    return issues;
  };

  return {
    languages,
    audio,
    baseUrl,
    channelCheck,
    routes(deps) {
      const token = config.callbackToken;
      const adapter = voiceAdapter({
        texts,
        audio,
        maxRetries: config.voice.maxRetries,
        callbackUrl: (seq) => `${baseUrl}/voice?${token ? `token=${encodeURIComponent(token)}&` : ''}seq=${seq}`,
        onMissingRecording: (s) => log.warn({ lang: s.lang, key: s.key }, 'no recording for a voice prompt: spoken with Say'),
      });
      const handler =
        baseUrl && languages.length > 0
          ? {
              handleHop: createHopHandler({ ...deps, settings: { sessionTtlMinutes: config.sessionTtlMinutes, languages } }, adapter),
              handleCallEnd: (end: Parameters<typeof recordCallEnd>[1]) => recordCallEnd({ ...deps, cases: deps.record.cases }, end),
            }
          : null;
      return { callback: voiceCallback(handler, deps.metrics), audio: voiceAudioRoutes({ root, languages: Object.keys(content.locales) }) };
    },
  };
}
