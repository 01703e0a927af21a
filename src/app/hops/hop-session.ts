import type { Channel, HopSession } from '../../storage/ports.js';
import type { SessionState } from '../../engine/session-state.js';

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
