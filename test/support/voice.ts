import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtVoiceCall } from '../../src/channels/voice/at-simulator.js';
import { spokenKeys } from '../../src/channels/voice/coverage.js';
import type { ServiceOverrides } from '../../src/entry/service.js';
import { PROJECT_ROOT } from '../../src/entry/service.js';
import { content, shipped, systemTexts } from './engine.js';
import { startTestService } from './service.js';

/** The public URL the service believes it has; nothing is ever fetched from it. */
export const PUBLIC_BASE = 'https://crc.example.org';

/**
 * A copy of the shipped flows and locales in a temporary folder, with a stand-in recording
 * (a tiny silent WAV file made here) for every key spoken in `languages`, so those languages
 * are offered on voice and every Play path is exercised without shipping audio.
 */
export function recordedRoot(languages: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'crc-voice-'));
  cpSync(join(PROJECT_ROOT, 'flows'), join(root, 'flows'), { recursive: true });
  cpSync(join(PROJECT_ROOT, 'locales'), join(root, 'locales'), { recursive: true });
  const silence = silentWav();
  for (const lang of languages) {
    const recordings: Record<string, { file: string; text: string }> = {};
    for (const flow of content.flows) {
      for (const [key, text] of spokenKeys(shipped(flow.id), lang, systemTexts)) {
        recordings[key] = { file: `${key.replace(/\./g, '/')}.wav`, text };
      }
    }
    for (const { file } of Object.values(recordings)) {
      const path = join(root, 'locales', lang, 'audio', file);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, silence);
    }
    writeFileSync(join(root, 'locales', lang, 'audio.json'), JSON.stringify({ note: 'test stand-ins: silence', recordings }, null, 2));
  }
  return root;
}

/** 0.1 s of 8 kHz mono 8-bit silence. */
export function silentWav(): Buffer {
  const samples = 800;
  const b = Buffer.alloc(44 + samples, 0x80);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + samples, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(8000, 28);
  b.writeUInt16LE(1, 32);
  b.writeUInt16LE(8, 34);
  b.write('data', 36);
  b.writeUInt32LE(samples, 40);
  return b;
}

export async function startVoiceService(env: Record<string, string> = {}, overrides: ServiceOverrides = {}) {
  const t = await startTestService({ PUBLIC_BASE_URL: PUBLIC_BASE, ...env }, overrides);
  let n = 0;
  return {
    ...t,
    call(callerNumber = '+254711000111', sessionId = `ATVId_test_${++n}`, callbackToken?: string) {
      return new AtVoiceCall({ baseUrl: t.url, callerNumber, sessionId, callbackToken });
    },
  };
}
export type VoiceTestService = Awaited<ReturnType<typeof startVoiceService>>;

/**
 * A root whose only language is English, with the every-type test questionnaire added as
 * a shipped flow (it has a free-text question, which the shipped questionnaires do not).
 * Start the service with LANGUAGES=en and add a facility of type `test_point`.
 */
export function rootWithEveryType(): string {
  const root = mkdtempSync(join(tmpdir(), 'crc-voice-every-'));
  cpSync(join(PROJECT_ROOT, 'flows'), join(root, 'flows'), { recursive: true });
  cpSync(join(PROJECT_ROOT, 'locales'), join(root, 'locales'), { recursive: true });
  cpSync(join(PROJECT_ROOT, 'test/fixtures/every-type.json'), join(root, 'flows', 'every_type.json'));
  const texts = JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/fixtures/every-type.texts.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(root, 'locales', 'en', 'every_type.json'), JSON.stringify(texts.en));
  return root;
}

export const TEST_POINT = { code: '4001', name: 'Test Point <&> "One"', type: 'test_point', district: 'Riverside', active: true, managers: [] };
