import type { Prompt, SystemTextSource } from '../../engine/prompt.js';
import type { Text } from '../../engine/texts.js';
import type { AudioCatalog } from './audio.js';
import { MAX_VOICE_OPTIONS } from './protocol.js';
import { el, escapeXml, xmlDocument, type XmlNode } from './xml.js';

/**
 * Renders an engine prompt as Africa's Talking voice XML. Pure: the same prompt, audio
 * catalog and callback URL always give the same XML.
 *
 * A prompt becomes a list of spoken segments, each a text with its key and language. A
 * segment with a recording is played (`Play url`); without one it is spoken with `Say`,
 * which Africa's Talking offers in English only. Consecutive `Say` texts are merged. AT lets
 * `GetDigits` (and `Record`) wrap one Say or Play, so the segments before the last are
 * played first and the keypad listens during the last one and for `timeout` seconds after.
 * A `Redirect` back to us follows, so silence comes back as a callback without digits.
 *
 * Keys: menus 1-9 (one key), `0` skips an optional question, `*` repeats (on the thank-you
 * too, for the reference), numbers and facility codes end with `#`, free text is recorded
 * after the beep.
 */

/** One thing said on a call: its key (which names its recording), and the words (the spoken form where a text has one). */
export type Segment = { lang: string; key: string; text: string };

export type VoiceListen =
  | { kind: 'keys'; numDigits: 1; timeout: number }
  | { kind: 'digits'; finishOnKey: '#'; timeout: number }
  | { kind: 'record'; finishOnKey: '#'; maxLength: number; timeout: number }
  /**
   * The thank-you, which quotes the report's reference: when it is said (a recording cannot
   * quote a reference, so it is left out of them), `offer` follows and the call waits a moment
   * for `*` to say it all again; silence then ends the call (no Redirect). Played, it just ends.
   */
  | { kind: 'replay'; numDigits: 1; timeout: number; offer: Segment }
  | { kind: 'none' };

export type VoiceScreen = { segments: Segment[]; listen: VoiceListen };

export const VOICE_TIMEOUTS = { keys: 10, digits: 20, recordSilence: 10, recordMaxLength: 60 };

/** the endings that quote the report's reference: the thank-you, and the answers to "May we SMS you?" */
const QUOTES_REFERENCE: ReadonlySet<string> = new Set(['end:thanks', 'end:follow_up_yes', 'end:follow_up_no']);

/** Engine error lines that name numbers or codes get a voice wording without variables. */
const VOICE_ERROR: Record<string, string> = {
  'system.error.choice': 'voice.wrong_key',
  'system.error.number': 'voice.wrong_number',
  'system.error.facility_unknown': 'voice.facility_unknown',
  'system.error.text_empty': 'voice.recording_failed',
  'system.error.text_long': 'voice.recording_failed',
  'system.error.reference_format': 'voice.reference_format',
  'system.error.reference_unknown': 'voice.reference_unknown',
};

/**
 * The spoken form of a prompt. `error` replaces the prompt's own error line (e.g. silence).
 * `greet` opens the call with the welcome line: the language menu greets in every language
 * anyway, but a call that starts elsewhere (one language, or a resume offer) needs it too.
 */
export function voiceScreen(prompt: Prompt, texts: SystemTextSource, error?: Text | null, options: { greet?: boolean } = {}): VoiceScreen {
  const lang = prompt.lang;
  const sys = (key: string, l = lang): Segment => of(texts.system(l, key), l);
  const of = (t: Text, l = lang): Segment => ({ lang: l, key: t.key, text: t.spoken ?? t.text });
  const segments: Segment[] = [];
  if (options.greet && prompt.id !== 'language') segments.push(sys('voice.welcome'));

  const errorLine = error === undefined ? prompt.error : error;
  if (errorLine) {
    const voiceKey = VOICE_ERROR[errorLine.key];
    segments.push(voiceKey ? sys(voiceKey) : of(errorLine));
  }

  if (prompt.kind === 'end') {
    segments.push(...prompt.body.map((b) => of(b)));
    // the thank-you quotes the report's reference: a caller who did not catch it can hear it again
    if (QUOTES_REFERENCE.has(prompt.id)) return { segments, listen: { kind: 'replay', numDigits: 1, timeout: VOICE_TIMEOUTS.keys, offer: sys('voice.repeat_reference') } };
    return { segments, listen: { kind: 'none' } };
  }

  if (prompt.id === 'language') {
    // a greeting in every language, then each language offered in its own words
    for (const option of prompt.options) segments.push(sys('voice.welcome', option.value));
    prompt.options.forEach((option, i) => {
      segments.push(of(option.label, option.value), sys(`voice.press.${i + 1}`, option.value));
    });
  } else if (prompt.listen?.voice === 'digits') {
    // the screen's first line ("Enter the code:") introduces the input field; aloud, "Then press the
    // hash key." follows it after a full stop, before any other line (such as "press 9 to check a report")
    const [lead, ...rest] = prompt.body.map((b) => of(b));
    if (lead) segments.push(lead);
    endWithFullStop(segments);
    segments.push(sys('voice.then_hash'), ...rest);
  } else {
    segments.push(...prompt.body.map((b) => of(b)));
    prompt.options.slice(0, MAX_VOICE_OPTIONS).forEach((option, i) => {
      segments.push(of(option.label), sys(`voice.press.${i + 1}`));
    });
  }

  let listen: VoiceListen = { kind: 'keys', numDigits: 1, timeout: VOICE_TIMEOUTS.keys };
  if (prompt.listen?.voice === 'digits') {
    listen = { kind: 'digits', finishOnKey: '#', timeout: VOICE_TIMEOUTS.digits };
  } else if (prompt.listen?.voice === 'record') {
    endWithFullStop(segments);
    segments.push(sys('voice.record'));
    listen = { kind: 'record', finishOnKey: '#', maxLength: VOICE_TIMEOUTS.recordMaxLength, timeout: VOICE_TIMEOUTS.recordSilence };
  }
  // a recording cannot be interrupted by a key, so skip and repeat are offered on key prompts only
  if (listen.kind !== 'record') {
    if (prompt.nav.skip) segments.push(sys('voice.skip'));
    segments.push(sys('voice.repeat'));
  }
  return { segments, listen };
}

/** The words before an instruction end as a sentence: a trailing colon (a screen's lead-in to its input field) becomes a full stop. */
function endWithFullStop(segments: Segment[]): void {
  const last = segments[segments.length - 1];
  if (last && /:\s*$/.test(last.text)) segments[segments.length - 1] = { ...last, text: `${last.text.replace(/:\s*$/, '')}.` };
}

export type VoiceRenderOptions = {
  audio: AudioCatalog;
  /** where AT posts the caller's answer to this screen (carries ?seq=) */
  callbackUrl: string;
  /** called when a non-English segment has no recording and falls back to Say */
  onMissingRecording?: (segment: Segment) => void;
};

type Action = { kind: 'say'; text: string } | { kind: 'play'; url: string };

function actionsFor(segments: Segment[], audio: AudioCatalog, missing: Segment[]): Action[] {
  const actions: Action[] = [];
  for (const s of segments) {
    const url = audio.url(s.lang, s.key);
    if (url) {
      actions.push({ kind: 'play', url });
      continue;
    }
    if (s.lang !== 'en') missing.push(s);
    const last = actions[actions.length - 1];
    if (last?.kind === 'say') last.text = `${last.text} ${sentence(s.text)}`;
    else actions.push({ kind: 'say', text: sentence(s.text) });
  }
  return actions;
}

/** Option labels are short phrases; a full stop makes the speech engine pause after each. */
function sentence(text: string): string {
  const t = text.trim();
  return /[.!?:]$/.test(t) ? t : `${t}.`;
}

const node = (a: Action): XmlNode => (a.kind === 'say' ? el('Say', undefined, a.text) : el('Play', { url: a.url }));

export function renderVoiceXml(screen: VoiceScreen, options: VoiceRenderOptions): string {
  const template = voiceXmlTemplate(screen, options.audio);
  for (const segment of template.missing) options.onMissingRecording?.(segment);
  return template.fill(options.callbackUrl);
}

/**
 * A screen's XML with its callback URL left open, so a screen every caller on it hears the
 * same way is built once and only the URL (it carries ?seq=) is filled in per reply; `missing`
 * are the segments spoken with Say for want of a recording, in order. `fill(url)` gives exactly
 * what rendering the screen with that URL gives: the URL is escaped as the serializer escapes
 * it, at the places it stands.
 */
export type VoiceXmlTemplate = { missing: Segment[]; fill(callbackUrl: string): string };

// a private-use character, kept by escapeXml; a screen whose texts hold it is not made a template
const HOLE = '\uE000callbackUrl\uE000';

export function voiceXmlTemplate(screen: VoiceScreen, audio: AudioCatalog): VoiceXmlTemplate {
  const missing: Segment[] = [];
  const built = buildXml(screen, audio, HOLE, missing);
  const parts = built.xml.split(HOLE);
  if (parts.length - 1 !== built.holes || parts.some((p) => p.includes('\uE000'))) {
    // the texts themselves hold the hole's character: render each reply in full
    return { missing, fill: (url) => buildXml(screen, audio, url, []).xml };
  }
  if (parts.length === 1) return { missing, fill: () => built.xml };
  return { missing, fill: (url) => parts.join(escapeXml(url)) };
}

/** The XML, and how many times the callback URL stands in it. */
function buildXml(screen: VoiceScreen, audio: AudioCatalog, callbackUrl: string, missing: Segment[]): { xml: string; holes: number } {
  if (screen.listen.kind === 'replay') {
    const closing = screen.segments[screen.segments.length - 1];
    const said = closing !== undefined && !audio.url(closing.lang, closing.key);
    screen = said ? { segments: [...screen.segments, screen.listen.offer], listen: screen.listen } : { segments: screen.segments, listen: { kind: 'none' } };
  }
  const actions = actionsFor(screen.segments, audio, missing);
  if (screen.listen.kind === 'none' || actions.length === 0) return { xml: xmlDocument(el('Response', undefined, actions.map(node))), holes: 0 };
  const before = actions.slice(0, -1).map(node);
  const last = node(actions[actions.length - 1]!);
  const l = screen.listen;
  // a key (`*`) brings the same closing words back (the session has ended, so its last reply is repeated); silence hangs up
  if (l.kind === 'replay') return { xml: xmlDocument(el('Response', undefined, [...before, el('GetDigits', { numDigits: l.numDigits, timeout: l.timeout, callbackUrl }, [last])])), holes: 1 };
  const listener =
    l.kind === 'keys'
      ? el('GetDigits', { numDigits: l.numDigits, timeout: l.timeout, callbackUrl }, [last])
      : l.kind === 'digits'
        ? el('GetDigits', { finishOnKey: l.finishOnKey, timeout: l.timeout, callbackUrl }, [last])
        : el('Record', { finishOnKey: l.finishOnKey, maxLength: l.maxLength, timeout: l.timeout, trimSilence: 'true', playBeep: 'true', callbackUrl }, [last]);
  // when the caller presses nothing AT moves on to the next action: come back to us
  return { xml: xmlDocument(el('Response', undefined, [...before, listener, el('Redirect', undefined, callbackUrl)])), holes: 2 };
}

/** A short spoken apology that ends the call: no listening, nothing else. */
export function renderVoiceGoodbye(segment: Segment, options: Pick<VoiceRenderOptions, 'audio'>): string {
  return renderVoiceXml({ segments: [segment], listen: { kind: 'none' } }, { ...options, callbackUrl: '' });
}
