import type { ChannelAdapter, Reading } from '../adapter.js';
import type { Prompt } from '../../engine/prompt.js';
import { BACK, MORE, newInputSinceKept, prefilledFacilityCode, SKIP, type UssdRequest } from './protocol.js';
import type { InputDigest } from '../../text/input-digest.js';
import { pageCount, renderUssd } from './render.js';

/**
 * USSD as the hop lifecycle sees it: `text` carries every input so far, so the new input
 * is what extends the last accepted text; "98" and "0" move between pages of a long menu;
 * "0" goes back a question and "00" skips one where the screen offers that. The session keeps
 * a digest of the accepted text, not the text (it holds every answer, a manager's PIN too).
 */
export function ussdAdapter(settings: { screenLimit: number; inputDigest: InputDigest }): ChannelAdapter<UssdRequest> {
  const newInput = (kept: string, text: string) => newInputSinceKept(kept, text, settings.inputDigest);
  return {
    channel: 'ussd',
    maxRetries: null,
    sessionId: (req) => req.sessionId,
    phone: (req) => req.phoneNumber,
    inputKey: (req) => settings.inputDigest(req.text),
    prefilledFacilityCode: (req) => prefilledFacilityCode(req.text),
    read(req, last, prompt): Reading {
      const typed = newInput(last.inputKey, req.text);
      if (typed === null) return { kind: 'stale' };
      const page = pageMove(typed, prompt, last.page, settings.screenLimit);
      if (page !== null) return { kind: 'page', page };
      const t = typed.trim();
      if (t === BACK && prompt.nav.back) return { kind: 'event', event: { type: 'BACK' } };
      if (t === SKIP && prompt.nav.skip) return { kind: 'event', event: { type: 'SKIP' } };
      return { kind: 'event', event: { type: 'ANSWER', text: typed } };
    },
    render: (prompt, hop) => ({ reply: renderUssd(prompt, hop.page, settings.screenLimit, { error: !hop.paged }).text, seq: 0 }),
    renderFailure: (prompt) => renderUssd(prompt, 0, settings.screenLimit).text,
    isOver: (prompt) => prompt.kind === 'end',
  };
}

/** "98" shows the next page of a long menu, "0" on a later page the previous one. */
export function pageMove(typed: string, prompt: Prompt, page: number, limit: number): number | null {
  const t = typed.trim();
  if (t !== MORE && t !== BACK) return null;
  const pages = pageCount(prompt, limit);
  if (t === MORE && page < pages - 1) return page + 1;
  if (t === BACK && page > 0) return page - 1;
  return null;
}
