import type { Channel, HopSession, SessionRepository } from '../storage/ports.js';
import type { SessionState } from '../engine/session.js';
import type { Conversation, ConversationContext, Decision } from './conversation.js';

/** Hop state is short-lived: each write pushes its expiry (the TTL) forward. */
export function expiryAfter(now: Date, ttlMinutes: number): Date {
  return new Date(now.getTime() + ttlMinutes * 60_000);
}

/** The first hop's session, as both channels store it (revision 0, first page). */
export function newHopSession(input: {
  channel: Channel;
  sessionId: string;
  respondentKey: string;
  lastInput: string;
  lastReply: string;
  engine: SessionState;
  responseId: string | null;
  now: Date;
  ttlMinutes: number;
}): HopSession {
  const { now, ttlMinutes, ...rest } = input;
  return { ...rest, page: 0, revision: 0, createdAt: now, updatedAt: now, expiresAt: expiryAfter(now, ttlMinutes) };
}

/**
 * Claims a hop before anything it said is stored: creates the session (first hop) or saves
 * it compare-and-set on the revision it was read at. Returns the session as stored, or null
 * when another request for the same session got there first; that request's hop is the one
 * that happened, and this one must record nothing.
 */
export async function claimHop(sessions: SessionRepository, next: HopSession, readAtRevision: number | null): Promise<HopSession | null> {
  if (readAtRevision === null) return (await sessions.create(next)) ? next : null;
  if (!(await sessions.update(next, readAtRevision))) return null;
  return { ...next, revision: readAtRevision + 1 };
}

/**
 * Records a claimed hop's decision. Should the stored response turn out to have another id
 * than the one decided (a response this session started already existed), the session is
 * pointed at the stored one. A process that dies between the claim and this write loses
 * that one answer (the session has moved on); it never records one twice or one not given.
 */
export async function recordClaimedHop(
  deps: { sessions: SessionRepository; conversation: Pick<Conversation, 'record'>; log: { warn(obj: object, msg: string): void } },
  claimed: HopSession,
  decision: Decision,
  ctx: ConversationContext,
): Promise<HopSession> {
  const responseId = await deps.conversation.record(decision, ctx);
  if (responseId === claimed.responseId) return claimed;
  deps.log.warn({ sessionId: claimed.sessionId }, 'the response this hop started already existed; pointing the session at it');
  const fixed = { ...claimed, responseId };
  return (await deps.sessions.update(fixed, claimed.revision)) ? { ...fixed, revision: claimed.revision + 1 } : claimed;
}
