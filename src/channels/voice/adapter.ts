import type { ChannelAdapter } from '../adapter.js';
import type { ConversationEvent } from '../../engine/conversation.js';
import type { Prompt, SystemTextSource } from '../../engine/prompt.js';
import type { AudioCatalog } from './audio.js';
import { REPEAT_KEY, SKIP_KEY, type VoiceCallActive } from './protocol.js';
import { renderVoiceGoodbye, voiceScreen, voiceXmlTemplate, type Segment, type VoiceXmlTemplate } from './render.js';

/**
 * Voice as the hop lifecycle sees it. Every URL a reply gives AT carries `?seq=N`, so the
 * answer to reply N is told apart from AT repeating a callback (same seq, same input) and
 * from a late answer to an older reply (an earlier seq). A key, silence, `*`, `0` or a
 * recording is read against the prompt the caller heard.
 */
export type VoiceRequest = VoiceCallActive & { seq: number };

export function voiceAdapter(settings: {
  texts: SystemTextSource;
  audio: AudioCatalog;
  /** repeats of one screen after silence or a wrong key before giving up */
  maxRetries: number;
  /** the URL AT posts the answer to reply `seq` to */
  callbackUrl(seq: number): string;
  onMissingRecording?: (segment: Segment) => void;
}): ChannelAdapter<VoiceRequest> {
  // prompts are shared objects (the engine keeps them per screen): each is turned into XML once, greeted or not
  const templates = new WeakMap<Prompt, [VoiceXmlTemplate?, VoiceXmlTemplate?]>();
  const templateOf = (prompt: Prompt, greet: boolean): VoiceXmlTemplate => {
    let pair = templates.get(prompt);
    if (!pair) templates.set(prompt, (pair = []));
    const i = greet ? 1 : 0;
    return (pair[i] ??= voiceXmlTemplate(voiceScreen(prompt, settings.texts, undefined, { greet }), settings.audio));
  };
  return {
    channel: 'voice',
    maxRetries: settings.maxRetries,
    sessionId: (req) => req.sessionId,
    // an outbound call is keyed to the number called, not to our own number
    phone: (req) => (req.direction === 'outbound' ? req.destinationNumber : req.callerNumber),
    inputKey: (req) => `${req.seq}|${req.recordingUrl !== undefined ? `rec:${req.recordingUrl}` : `dtmf:${req.dtmfDigits ?? ''}`}`,
    // an answer to an older reply (AT retried late): the call is already past it
    prefilledFacilityCode: () => null,
    read: (req, last, prompt) => (req.seq !== last.seq ? { kind: 'stale' } : { kind: 'event', event: hear(req, prompt) }),
    render(prompt, hop) {
      const seq = (hop.previous?.seq ?? 0) + 1;
      const template = templateOf(prompt, seq === 1);
      for (const segment of template.missing) settings.onMissingRecording?.(segment);
      return { reply: template.fill(settings.callbackUrl(seq)), seq };
    },
    renderFailure: (prompt) => renderVoiceGoodbye({ lang: prompt.lang, ...prompt.body[0]! }, { audio: settings.audio }),
    isOver: (prompt) => prompt.kind === 'end',
  };
}

/** What the caller did, judged against the prompt they heard. */
function hear(req: VoiceCallActive, prompt: Prompt): ConversationEvent {
  const digits = (req.dtmfDigits ?? '').trim();
  if (prompt.listen?.voice === 'record') {
    if (req.recordingUrl !== undefined && req.recordingUrl !== '') return isHttpsUrl(req.recordingUrl) ? { type: 'RECORDING', url: req.recordingUrl } : { type: 'NOT_A_RECORDING' };
    if (digits === '') return { type: 'SILENCE' };
    if (digits === REPEAT_KEY) return { type: 'REPEAT' };
    if (digits === SKIP_KEY && prompt.nav.skip) return { type: 'SKIP' };
    // keys pressed instead of speaking are never stored as the free-text answer
    return { type: 'NOT_A_RECORDING' };
  }
  if (digits === '') return { type: 'SILENCE' };
  if (digits === REPEAT_KEY) return { type: 'REPEAT' };
  if (digits === SKIP_KEY && prompt.nav.skip) return { type: 'SKIP' };
  // AT leaves out the finishing '#', but a gateway that keeps it must not turn "1001#" into a wrong code
  return { type: 'ANSWER', text: digits.length > 1 && digits.endsWith('#') ? digits.slice(0, -1) : digits };
}

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname.length > 0 && !url.username && !url.password;
  } catch {
    return false;
  }
}
