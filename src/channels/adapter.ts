import type { ConversationEvent } from '../engine/conversation.js';
import type { Prompt } from '../engine/prompt.js';

/**
 * What a channel tells the one hop lifecycle (app/hops/handle-hop.ts): how to read the
 * provider's request, how to recognise a repeat or a late copy, and how to answer. USSD
 * and voice differ only here.
 */

export type Channel = 'ussd' | 'voice';

/** The channel's part of the last hop handled, as the session keeps it. */
export type LastHop = {
  /** what identified that hop's input (the USSD text; the voice seq and keys) */
  inputKey: string;
  /** USSD: which page of a long menu is on screen */
  page: number;
  /** voice: the sequence number of the last reply; AT's answer names it in ?seq= */
  seq: number;
};

/**
 * What the respondent did: an event for the conversation, or a move to another page of the
 * same screen; or nothing at all, because the request is a copy of an earlier hop that
 * arrived late (`stale`): it gets the current screen and records nothing.
 */
export type Reading = { kind: 'event'; event: ConversationEvent } | { kind: 'page'; page: number } | { kind: 'stale' };

export interface ChannelAdapter<Req> {
  readonly channel: Channel;
  sessionId(req: Req): string;
  /** the number to key the respondent by; it is never stored */
  phone(req: Req): string;
  /** identifies this hop's input: the same key again is the provider repeating the hop */
  inputKey(req: Req): string;
  /** what the first hop brings along (an extended dial string's facility code) */
  prefilledFacilityCode(req: Req): string | null;
  /** how many times a screen is asked again before the conversation gives up; null: never */
  readonly maxRetries: number | null;
  read(req: Req, last: LastHop, prompt: Prompt): Reading;
  /**
   * The reply for a prompt, and the channel's part of the hop it starts. `paged`: the same
   * screen again on another page (a navigation key, not an answer), so its error line is not repeated.
   */
  render(prompt: Prompt, hop: { previous: LastHop | null; page: number; paged?: boolean }): { reply: string; seq: number };
  /** a short apology that ends the session, when the hop failed */
  renderFailure(prompt: Prompt): string;
  /** the reply shown once the conversation is over and another hop arrives */
  isOver(prompt: Prompt): boolean;
}
