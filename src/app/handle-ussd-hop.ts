import type { EngineInput, Prompt } from '../engine/session.js';
import { BACK, MORE, SKIP, newInputSince, prefilledFacilityCode, type UssdRequest, type UssdSessionEvent } from '../channels/ussd/protocol.js';
import { pageCount, renderUssd, type UssdScreen } from '../channels/ussd/render.js';
import type { Clock } from '../gateways/clock.js';
import type { RespondentKeyer } from '../gateways/respondent-key.js';
import type { HopSession, Storage } from '../storage/ports.js';
import type { Conversation } from './conversation.js';
import { claimHop, expiryAfter, newHopSession, recordClaimedHop } from './hop-session.js';

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
    const typed = existing ? newInputSince(existing.lastInput, req.text) : null;
    if (existing && typed === null) {
      // an earlier hop arriving late (or a rewritten history): the citizen never gave it as an answer now
      deps.log.info({ sessionId: req.sessionId }, 'USSD hop whose text does not extend the last one: current screen, nothing recorded');
      return asScreen(existing.lastReply);
    }
    const respondentKey = existing?.respondentKey ?? deps.respondentKey(req.phoneNumber, () => deps.log.warn({ sessionId: req.sessionId }, 'USSD caller number is not a phone number libphonenumber can read; keyed by its digits'));

    const ctx = { channel: 'ussd' as const, sessionId: req.sessionId, respondentKey, languages: settings.languages, responseId: existing?.responseId ?? null };
    // the session as last read or written by this request, for the apology if something fails
    let latest = existing;
    try {
      let input: EngineInput;
      if (!existing) {
        input = await conversation.startInput(ctx, prefilledFacilityCode(req.text), clock.now());
      } else if (isNavigationKey(typed!)) {
        // only the navigation keys depend on what is on screen; anything else is an answer
        const current = await conversation.currentPrompt(existing.engine, ctx);
        const paging = pageMove(typed!, current, existing.page, settings.screenLimit);
        if (paging !== null) {
          const screen = renderUssd(current, paging, settings.screenLimit);
          const claimed = await claimHop(storage.sessions, changed(existing, { lastInput: req.text, lastReply: replyText(screen), page: paging }), existing.revision);
          return claimed ? screen : await settle(req);
        }
        input = interpret(typed!, current);
      } else {
        input = { type: 'answer', text: typed! };
      }
      const decision = await conversation.decide(existing?.engine ?? null, input, ctx);
      const screen = renderUssd(decision.prompt, 0, settings.screenLimit);
      // claim the hop first: only the request whose session write lands records anything
      const next = existing
        ? changed(existing, { lastInput: req.text, lastReply: replyText(screen), page: 0, engine: decision.state, responseId: decision.responseId })
        : newHopSession({
            channel: 'ussd',
            sessionId: req.sessionId,
            respondentKey,
            lastInput: req.text,
            lastReply: replyText(screen),
            engine: decision.state,
            responseId: decision.responseId,
            now: clock.now(),
            ttlMinutes: settings.sessionTtlMinutes,
          });
      const claimed = await claimHop(storage.sessions, next, existing ? existing.revision : null);
      if (!claimed) return await settle(req);
      latest = claimed;
      latest = await recordClaimedHop({ sessions: storage.sessions, conversation, log: deps.log }, claimed, decision, ctx);
      return screen;
    } catch (err) {
      // Answers already given were stored hop by hop; end politely in the caller's language.
      deps.log.error({ err, sessionId: req.sessionId }, 'USSD hop failed');
      const screen = apology(latest?.engine.lang);
      // remember the ending so a repeated hop gets the same apology; the redial offers to resume
      if (latest) {
        const ended = { ...latest.engine, phase: 'ended' as const, end: { key: 'end.error' } };
        await storage.sessions.update(changed(latest, { lastInput: req.text, lastReply: screen.text, engine: ended }), latest.revision).catch(() => undefined);
      }
      return screen;
    }
  }

  function changed(session: HopSession, changes: Partial<HopSession>): HopSession {
    const now = clock.now();
    return { ...session, ...changes, updatedAt: now, expiresAt: expiryAfter(now, settings.sessionTtlMinutes) };
  }

  function apology(lang: string | null | undefined): UssdScreen {
    return { text: `END ${deps.texts.system(lang ?? deps.texts.defaultLanguage, 'end.error').text}`, end: true };
  }

  /**
   * Another request for this session got there first (AT repeating this hop, or a different
   * text sent at the same moment): its hop is the one that happened, so answer with its screen.
   */
  async function settle(req: UssdRequest): Promise<UssdScreen> {
    const winner = await storage.sessions.get('ussd', req.sessionId);
    if (winner && winner.lastInput !== req.text) deps.log.warn({ sessionId: req.sessionId }, 'concurrent USSD hops with different text; answering with the screen of the one that was stored');
    if (winner) return asScreen(winner.lastReply);
    return apology(null);
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
