import type { EngineInput, Prompt } from '../engine/session.js';
import { BACK, MORE, SKIP, newInputSince, prefilledFacilityCode, type UssdRequest, type UssdSessionEvent } from '../channels/ussd/protocol.js';
import { pageCount, renderUssd, type UssdScreen } from '../channels/ussd/render.js';
import type { Clock } from '../gateways/clock.js';
import type { RespondentKeyer } from '../gateways/respondent-key.js';
import type { HopSession, Storage } from '../storage/ports.js';
import type { Conversation } from './conversation.js';
import { expiryAfter, newHopSession } from './hop-session.js';

/**
 * One USSD hop, as the story goes: find the session (or start one), return the same screen
 * if this hop was already answered, work out what is new in `text`, let the engine move,
 * store what was said, and answer with the next screen.
 */

export type UssdDeps = {
  storage: Storage;
  conversation: Conversation;
  clock: Clock;
  respondentKey: RespondentKeyer;
  texts: { system(lang: string, key: string): { text: string }; defaultLanguage: string };
  settings: { screenLimit: number; sessionTtlMinutes: number; languages: string[] };
  log: { error(obj: object, msg: string): void; info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
};

export function createUssdHandler(deps: UssdDeps) {
  const { storage, conversation, clock, settings } = deps;

  async function handleHop(req: UssdRequest): Promise<UssdScreen> {
    const existing = await storage.sessions.get('ussd', req.sessionId);
    if (existing && existing.lastInput === req.text) return asScreen(existing.lastReply);
    if (existing?.engine.phase === 'ended') return asScreen(existing.lastReply);
    const respondentKey = existing?.respondentKey ?? deps.respondentKey(req.phoneNumber);

    const ctx = { channel: 'ussd' as const, sessionId: req.sessionId, respondentKey, languages: settings.languages, responseId: existing?.responseId ?? null };
    try {
      let input: EngineInput;
      if (!existing) {
        input = await conversation.startInput(ctx, prefilledFacilityCode(req.text), clock.now());
      } else {
        const typed = newInputSince(existing.lastInput, req.text);
        // only the navigation keys depend on what is on screen; anything else is an answer
        if (isNavigationKey(typed)) {
          const current = await conversation.currentPrompt(existing.engine, ctx);
          const paging = pageMove(typed, current, existing.page, settings.screenLimit);
          if (paging !== null) {
            const screen = renderUssd(current, paging, settings.screenLimit);
            return await save(existing, { lastInput: req.text, lastReply: replyText(screen), page: paging }, screen);
          }
          input = interpret(typed, current);
        } else {
          input = { type: 'answer', text: typed };
        }
      }
      const moved = await conversation.advance(existing?.engine ?? null, input, ctx);
      const screen = renderUssd(moved.prompt, 0, settings.screenLimit);
      const now = clock.now();
      if (!existing) {
        const fresh = newHopSession({
          channel: 'ussd',
          sessionId: req.sessionId,
          respondentKey,
          lastInput: req.text,
          lastReply: replyText(screen),
          engine: moved.state,
          responseId: moved.responseId,
          now,
          ttlMinutes: settings.sessionTtlMinutes,
        });
        if (await storage.sessions.create(fresh)) return screen;
        return await settle(req, screen);
      }
      return await save(existing, { lastInput: req.text, lastReply: replyText(screen), page: 0, engine: moved.state, responseId: moved.responseId }, screen);
    } catch (err) {
      // Answers already given were stored hop by hop; end politely in the caller's language.
      deps.log.error({ err, sessionId: req.sessionId }, 'USSD hop failed');
      const lang = existing?.engine.lang ?? deps.texts.defaultLanguage;
      const screen: UssdScreen = { text: `END ${deps.texts.system(lang, 'end.error').text}`, end: true };
      // remember the ending so a repeated hop gets the same apology; the redial offers to resume
      if (existing) {
        const ended = { ...existing.engine, phase: 'ended' as const, end: { key: 'end.error' } };
        await save(existing, { lastInput: req.text, lastReply: screen.text, engine: ended }, screen).catch(() => undefined);
      }
      return screen;
    }

    async function save(session: HopSession, changes: Partial<HopSession>, screen: UssdScreen): Promise<UssdScreen> {
      const now = clock.now();
      const next: HopSession = { ...session, ...changes, updatedAt: now, expiresAt: expiryAfter(now, settings.sessionTtlMinutes) };
      if (await storage.sessions.update(next, session.revision)) return screen;
      return settle(req, screen);
    }
  }

  /** Another request for this session got there first: if it was this same hop, agree with it. */
  async function settle(req: UssdRequest, screen: UssdScreen): Promise<UssdScreen> {
    const winner = await storage.sessions.get('ussd', req.sessionId);
    if (winner && winner.lastInput === req.text) return asScreen(winner.lastReply);
    deps.log.warn({ sessionId: req.sessionId }, 'concurrent USSD hops with different text; answering this one');
    return screen;
  }

  /** The end-of-session notification: an unfinished response becomes abandoned (still resumable). */
  async function handleSessionEnd(event: UssdSessionEvent): Promise<{ abandoned: boolean }> {
    const session = await storage.sessions.get('ussd', event.sessionId);
    if (!session?.responseId) return { abandoned: false };
    const response = await storage.responses.get(session.responseId);
    if (!response || response.status !== 'in_progress') return { abandoned: false };
    await storage.responses.markAbandoned(response.id, clock.now());
    deps.log.info({ sessionId: event.sessionId, status: event.status }, 'USSD session ended before the report was finished');
    return { abandoned: true };
  }

  return { handleHop, handleSessionEnd };
}

function isNavigationKey(typed: string): boolean {
  const t = typed.trim();
  return t === MORE || t === BACK || t === SKIP;
}

/** "98" shows the next page of a long menu, "0" on a later page the previous one. */
export function pageMove(typed: string, prompt: Prompt, page: number, limit: number): number | null {
  const t = typed.trim();
  const pages = pageCount(prompt, limit);
  if (t === MORE && page < pages - 1) return page + 1;
  if (t === BACK && page > 0) return page - 1;
  return null;
}

export function interpret(typed: string, prompt: Prompt): EngineInput {
  const t = typed.trim();
  if (t === BACK && prompt.nav.back) return { type: 'back' };
  if (t === SKIP && prompt.nav.skip) return { type: 'skip' };
  return { type: 'answer', text: typed };
}

function replyText(screen: UssdScreen): string {
  return screen.text;
}

function asScreen(reply: string): UssdScreen {
  return { text: reply, end: reply.startsWith('END') };
}
