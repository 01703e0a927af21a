import type { EngineInput, Prompt, SessionState, SystemTextSource } from '../engine/session.js';
import type { Text } from '../engine/texts.js';
import type { AudioCatalog } from '../channels/voice/audio.js';
import { REPEAT_KEY, SKIP_KEY, type VoiceCallActive, type VoiceCallEnded } from '../channels/voice/protocol.js';
import { renderVoiceGoodbye, renderVoiceXml, voiceScreen } from '../channels/voice/render.js';
import type { Clock } from '../gateways/clock.js';
import type { RespondentKeyer } from '../gateways/respondent-key.js';
import type { HopSession, Storage } from '../storage/ports.js';
import type { Conversation, Decision } from './conversation.js';
import { claimHop, expiryAfter, newHopSession, recordClaimedHop } from './hop-session.js';

/**
 * One voice callback, as the story goes: find the call's session (or start one), give the
 * same reply if AT repeats a callback, hear what the caller did (a key, silence, `*`, a
 * recording), let the engine move, store what was said, and answer with the next prompt as
 * AT voice XML. Silence and wrong keys are counted per screen: after `maxRetries` repeats an
 * optional question is skipped and a required one ends the call politely (the answers so
 * far are kept and the call can be resumed by calling back).
 */

export type VoiceDeps = {
  storage: Storage;
  conversation: Conversation;
  clock: Clock;
  respondentKey: RespondentKeyer;
  texts: SystemTextSource;
  audio: AudioCatalog;
  settings: {
    sessionTtlMinutes: number;
    /** languages offered on voice: English and those with complete recordings */
    languages: string[];
    /** repeats of one screen after silence or a wrong key before giving up */
    maxRetries: number;
    /** the URL AT posts the answer to reply `seq` to */
    callbackUrl(seq: number): string;
  };
  log: { error(obj: object, msg: string): void; info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
};

/** What the caller did in answer to the last prompt. */
type Heard = { kind: 'repeat' } | { kind: 'silence' } | { kind: 'skip' } | { kind: 'answer'; text: string } | { kind: 'recording'; url: string } | { kind: 'not_a_recording' };

export function createVoiceHandler(deps: VoiceDeps) {
  const { storage, conversation, clock, settings, texts } = deps;

  const render = (prompt: Prompt, seq: number, error?: Text | null) =>
    renderVoiceXml(voiceScreen(prompt, texts, error, { greet: seq === 1 }), {
      audio: deps.audio,
      callbackUrl: settings.callbackUrl(seq),
      onMissingRecording: (s) => deps.log.warn({ lang: s.lang, key: s.key }, 'no recording for a voice prompt: spoken with Say'),
    });

  async function handleCallback(req: VoiceCallActive, seq: number): Promise<string> {
    const phone = req.direction === 'outbound' ? req.destinationNumber : req.callerNumber;
    const inputKey = `${seq}|${req.recordingUrl !== undefined ? `rec:${req.recordingUrl}` : `dtmf:${req.dtmfDigits ?? ''}`}`;
    let existing: HopSession | null = null;
    // the session as last read or written by this request, for the apology if something fails
    let latest: HopSession | null = null;
    try {
      existing = await storage.sessions.get('voice', req.sessionId);
      latest = existing;
      if (existing && existing.lastInput === inputKey) return existing.lastReply;
      if (existing?.engine.phase === 'ended') return existing.lastReply;
      const expected = existing?.voice?.seq ?? 0;
      if (existing && seq !== expected) {
        // an answer to an older reply (AT retried late): the call is already past it
        deps.log.info({ sessionId: req.sessionId, seq, expected }, 'voice callback for an earlier prompt; repeating the current one');
        return existing.lastReply;
      }

      // the keyed hash is computed once per call; later callbacks read it from the session
      const respondentKey = existing?.respondentKey ?? deps.respondentKey(phone, () => deps.log.warn({ sessionId: req.sessionId, direction: req.direction }, 'voice caller number is not a phone number libphonenumber can read; keyed by its digits'));
      const ctx = { channel: 'voice' as const, sessionId: req.sessionId, respondentKey, languages: settings.languages, responseId: existing?.responseId ?? null };
      if (!existing) {
        const input = await conversation.startInput(ctx, null, clock.now());
        const decision = await conversation.decide(null, input, ctx);
        const xml = render(decision.prompt, 1);
        const fresh: HopSession = {
          ...newHopSession({
            channel: 'voice',
            sessionId: req.sessionId,
            respondentKey,
            lastInput: inputKey,
            lastReply: xml,
            engine: decision.state,
            responseId: decision.responseId,
            now: clock.now(),
            ttlMinutes: settings.sessionTtlMinutes,
          }),
          voice: { seq: 1, retries: 0 },
        };
        // claim the call first: only the request whose session write lands records anything
        const claimed = await claimHop(storage.sessions, fresh, null);
        if (!claimed) return await settle(req.sessionId, inputKey);
        latest = claimed;
        latest = await recordClaimedHop({ sessions: storage.sessions, conversation, log: deps.log }, claimed, decision, ctx);
        return xml;
      }

      const session = existing;
      const nextSeq = expected + 1;
      const retries = session.voice?.retries ?? 0;
      const current = await conversation.currentPrompt(session.engine, ctx);
      const heard = hear(req, current);

      /** Claims this callback (compare-and-set on the session), then records what it decided. */
      const save = async (moved: { state: SessionState; responseId: string | null; decision?: Decision }, xml: string, retriesNow: number) => {
        const now = clock.now();
        const next: HopSession = {
          ...session,
          lastInput: inputKey,
          lastReply: xml,
          engine: moved.state,
          responseId: moved.responseId,
          updatedAt: now,
          expiresAt: expiryAfter(now, settings.sessionTtlMinutes),
          voice: { seq: nextSeq, retries: retriesNow },
        };
        const claimed = await claimHop(storage.sessions, next, session.revision);
        if (!claimed) return settle(req.sessionId, inputKey);
        latest = claimed;
        if (moved.decision) latest = await recordClaimedHop({ sessions: storage.sessions, conversation, log: deps.log }, claimed, moved.decision, ctx);
        return xml;
      };
      const unchanged = { state: session.engine, responseId: session.responseId };

      /** Silence or a wrong answer: say so and ask again, or give up on this screen. */
      const failed = async (reason: Text | null, asked: { state: SessionState; prompt: Prompt }, decision?: Decision) => {
        const tries = retries + 1;
        if (tries <= settings.maxRetries) return save({ state: asked.state, responseId: session.responseId, decision }, render(asked.prompt, nextSeq, reason ?? undefined), tries);
        if (current.nav.skip) {
          const skipped = await conversation.decide(session.engine, { type: 'skip' }, ctx);
          return save({ ...skipped, decision: skipped }, render(skipped.prompt, nextSeq), 0);
        }
        const ended: SessionState = { ...session.engine, phase: 'ended', error: null, end: { key: 'end.no_answer' } };
        deps.log.info({ sessionId: req.sessionId, screen: current.id }, 'voice caller gave no usable answer; ending the call politely');
        return save({ state: ended, responseId: session.responseId }, render(await conversation.currentPrompt(ended, ctx), nextSeq), tries);
      };

      switch (heard.kind) {
        case 'repeat':
          return await save(unchanged, render(current, nextSeq, null), retries);
        case 'silence':
          // at a recording prompt silence means no recording, not a missing key
          return await failed(texts.system(current.lang, current.input?.type === 'text' ? 'voice.recording_failed' : 'voice.silence'), { state: session.engine, prompt: current });
        case 'not_a_recording':
          return await failed(texts.system(current.lang, 'voice.recording_failed'), { state: session.engine, prompt: current });
        case 'skip':
        case 'recording':
        case 'answer': {
          const input: EngineInput = heard.kind === 'skip' ? { type: 'skip' } : heard.kind === 'recording' ? { type: 'recording', url: heard.url } : { type: 'answer', text: heard.text };
          const decision = await conversation.decide(session.engine, input, ctx);
          // the engine keeps the same screen and sets an error line when the answer does not fit
          if (decision.prompt.error && decision.prompt.id === current.id) return await failed(null, decision, decision);
          return await save({ ...decision, decision }, render(decision.prompt, nextSeq), 0);
        }
      }
    } catch (err) {
      // Answers already given were stored as they arrived: apologise and hang up.
      deps.log.error({ err, sessionId: req.sessionId }, 'voice callback failed');
      const lang = latest?.engine.lang ?? texts.defaultLanguage;
      const xml = renderVoiceGoodbye({ lang, ...texts.system(lang, 'end.error') }, { audio: deps.audio });
      if (latest) {
        // remember the ending so a repeated callback gets the same apology; calling back offers to resume
        const ended = { ...latest.engine, phase: 'ended' as const, end: { key: 'end.error' } };
        const next = { ...latest, lastInput: inputKey, lastReply: xml, engine: ended, updatedAt: clock.now() };
        await storage.sessions.update(next, latest.revision).catch(() => undefined);
      }
      return xml;
    }
  }

  /**
   * Another request for this call got there first (AT repeating this callback, or a different
   * input at the same moment): its callback is the one that happened, so answer with its reply.
   */
  async function settle(sessionId: string, inputKey: string): Promise<string> {
    const winner = await storage.sessions.get('voice', sessionId);
    if (winner && winner.lastInput !== inputKey) deps.log.warn({ sessionId }, 'concurrent voice callbacks with different input; answering with the reply of the one that was stored');
    if (winner) return winner.lastReply;
    const lang = texts.defaultLanguage;
    return renderVoiceGoodbye({ lang, ...texts.system(lang, 'end.error') }, { audio: deps.audio });
  }

  /**
   * The call is over (isActive=0): keep its duration, cost and hangup cause, and mark an
   * unfinished response abandoned (it stays resumable by calling back within the window).
   */
  async function handleCallEnd(req: VoiceCallEnded): Promise<{ recorded: boolean; abandoned: boolean }> {
    const session = await storage.sessions.get('voice', req.sessionId);
    const direction = req.direction?.toLowerCase();
    const recorded = await storage.voiceCalls.recordEnd({
      sessionId: req.sessionId,
      respondentKey: session?.respondentKey ?? null,
      direction: direction === 'inbound' || direction === 'outbound' ? direction : null,
      responseId: session?.responseId ?? null,
      durationInSeconds: req.durationInSeconds ?? null,
      amount: req.amount ?? null,
      currencyCode: req.currencyCode ?? null,
      hangupCause: req.hangupCause ?? null,
      endedAt: clock.now(),
    });
    let abandoned = false;
    if (session?.responseId) {
      const response = await storage.responses.get(session.responseId);
      if (response?.status === 'in_progress') {
        await storage.responses.markAbandoned(response.id, clock.now());
        abandoned = true;
        deps.log.info({ sessionId: req.sessionId, hangupCause: req.hangupCause }, 'voice call ended before the report was finished');
      }
    }
    return { recorded, abandoned };
  }

  return { handleCallback, handleCallEnd };
}

/** Turns the callback into what the caller did, judged against the prompt they heard. */
function hear(req: VoiceCallActive, prompt: Prompt): Heard {
  const digits = (req.dtmfDigits ?? '').trim();
  if (prompt.input?.type === 'text') {
    if (req.recordingUrl !== undefined && req.recordingUrl !== '') return isHttpsUrl(req.recordingUrl) ? { kind: 'recording', url: req.recordingUrl } : { kind: 'not_a_recording' };
    if (digits === '') return { kind: 'silence' };
    if (digits === REPEAT_KEY) return { kind: 'repeat' };
    if (digits === SKIP_KEY && prompt.nav.skip) return { kind: 'skip' };
    // keys pressed instead of speaking are never stored as the free-text answer
    return { kind: 'not_a_recording' };
  }
  if (digits === '') return { kind: 'silence' };
  if (digits === REPEAT_KEY) return { kind: 'repeat' };
  if (digits === SKIP_KEY && prompt.nav.skip) return { kind: 'skip' };
  // AT leaves out the finishing '#', but a gateway that keeps it must not turn "1001#" into a wrong code
  return { kind: 'answer', text: digits.length > 1 && digits.endsWith('#') ? digits.slice(0, -1) : digits };
}

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname.length > 0 && !url.username && !url.password;
  } catch {
    return false;
  }
}
