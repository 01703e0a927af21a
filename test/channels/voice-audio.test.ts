import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAudioCatalog, loadAudioManifests } from '../../src/channels/voice/audio.js';
import { silentWav } from '../support/voice.js';

function rootWith(files: string[], manifest: unknown, draft?: unknown): string {
  const root = mkdtempSync(join(tmpdir(), 'crc-audio-'));
  const dir = join(root, 'locales', 'sw');
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    mkdirSync(join(dir, 'audio', f, '..'), { recursive: true });
    writeFileSync(join(dir, 'audio', f), silentWav());
  }
  writeFileSync(join(dir, 'audio.json'), JSON.stringify(manifest));
  if (draft) writeFileSync(join(dir, 'audio.draft.json'), JSON.stringify(draft));
  return root;
}

describe('audio manifests', () => {
  const human = { recordings: { 'system.facility.prompt': { file: 'system/facility.wav', text: 'Weka namba ya kituo' } } };
  const draft = {
    recordings: {
      'system.facility.prompt': { file: 'draft/facility.wav', draft: true },
      'system.voice.repeat': { file: 'draft/repeat.wav', draft: true },
    },
  };

  it('uses drafts only when asked, and a human recording always wins over a draft', () => {
    const root = rootWith(['system/facility.wav', 'draft/facility.wav', 'draft/repeat.wav'], human, draft);
    const plain = createAudioCatalog(loadAudioManifests(root, ['sw'], { useDrafts: false }), 'https://crc.example.org/');
    expect(plain.url('sw', 'system.facility.prompt')).toBe('https://crc.example.org/voice/audio/sw/system/facility.wav');
    expect(plain.entry('sw', 'system.voice.repeat')).toBeNull();
    expect(plain.summary()).toEqual({ sw: { human: 1, draft: 0 } });

    const drafts = createAudioCatalog(loadAudioManifests(root, ['sw'], { useDrafts: true }), 'https://crc.example.org');
    expect(drafts.entry('sw', 'system.facility.prompt')).toMatchObject({ file: 'system/facility.wav', draft: false });
    expect(drafts.entry('sw', 'system.voice.repeat')).toMatchObject({ draft: true });
    expect(drafts.summary()).toEqual({ sw: { human: 1, draft: 1 } });
  });

  it('marks every entry of the draft manifest as a draft, whatever it says', () => {
    const root = rootWith(['draft/repeat.wav'], { recordings: {} }, { recordings: { 'system.voice.repeat': { file: 'draft/repeat.wav', draft: false } } });
    expect(loadAudioManifests(root, ['sw'], { useDrafts: true }).sw!.get('system.voice.repeat')!.draft).toBe(true);
  });

  it('refuses unsafe paths and files that are not there, naming the manifest', () => {
    expect(() => loadAudioManifests(rootWith([], { recordings: { 'system.a.b': { file: '../../secret.wav' } } }), ['sw'], { useDrafts: false })).toThrow(/audio\.json: recordings\.system\.a\.b\.file/);
    expect(() => loadAudioManifests(rootWith([], { recordings: { 'system.a.b': { file: '/etc/x.wav' } } }), ['sw'], { useDrafts: false })).toThrow(/file/);
    expect(() => loadAudioManifests(rootWith([], { recordings: { 'system.a.b': { file: 'a.exe' } } }), ['sw'], { useDrafts: false })).toThrow(/\.wav or \.mp3/);
    expect(() => loadAudioManifests(rootWith([], { recordings: { 'system.a.b': { file: 'missing.wav' } } }), ['sw'], { useDrafts: false })).toThrow(/missing\.wav, which is not in/);
  });

  it('treats a language without a manifest as having no recordings', () => {
    const root = mkdtempSync(join(tmpdir(), 'crc-audio-'));
    expect(loadAudioManifests(root, ['zu'], { useDrafts: true }).zu!.size).toBe(0);
  });
});
