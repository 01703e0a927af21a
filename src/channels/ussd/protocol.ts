import { digestedLength, type InputDigest } from '../../text/input-digest.js';
import { z } from 'zod';
import { FACILITY_CODE } from '../../engine/codes.js';
import { CALLER_NUMBER } from '../../text/phone-numbers.js';

/**
 * Africa's Talking USSD callback: a form POST with sessionId, serviceCode, phoneNumber,
 * networkCode and text. `text` is empty on the first hop, then every input so far joined
 * with `*`; an extended dial string (*384*123*1001#) arrives pre-filled on the first hop.
 */
export const UssdRequest = z.object({
  sessionId: z.string().trim().min(1, 'sessionId is required').max(128, 'sessionId is too long'),
  serviceCode: z.string().trim().min(1, 'serviceCode is required').max(64, 'serviceCode is too long'),
  phoneNumber: z.string().trim().regex(CALLER_NUMBER, 'phoneNumber must be an international number such as +254711000111'),
  networkCode: z.string().trim().max(16).optional(),
  // odd text is an answer to judge, not a malformed request; the body limit caps its size
  text: z.string({ error: 'text is required (empty on the first hop)' }),
});
export type UssdRequest = z.infer<typeof UssdRequest>;

/**
 * End-of-session notification. AT sends more fields (cost, durationInMillis, ...); those we
 * use are validated, the rest ignored.
 */
export const UssdSessionEvent = z.object({
  sessionId: z.string().trim().min(1, 'sessionId is required').max(128),
  status: z.string().trim().min(1, 'status is required').max(32),
  phoneNumber: z.string().trim().max(20).optional(),
  hopsCount: z.coerce.number().int().min(0).optional(),
  durationInMillis: z.coerce.number().int().min(0).optional(),
  errorMessage: z.string().max(500).optional(),
});
export type UssdSessionEvent = z.infer<typeof UssdSessionEvent>;

/**
 * The input that is new since this session's last accepted hop, or null when `text` does
 * not extend it (a late copy of an earlier hop, or a gateway rewriting history: both are
 * stale and must never be read as an answer). Comparing with the text we last accepted,
 * rather than splitting on `*`, keeps a free-text answer that contains `*` whole.
 */
export function newInputSince(acceptedText: string, text: string): string | null {
  if (acceptedText === '') return text === '' ? null : text;
  return text.startsWith(`${acceptedText}*`) ? text.slice(acceptedText.length + 1) : null;
}

/**
 * The same, when the session kept only a digest of the accepted text (see text/input-digest):
 * `text` extends it when its first characters have that digest and a `*` follows. A session
 * stored before digests kept the text itself, and is read as before.
 */
export function newInputSinceKept(kept: string, text: string, digest: InputDigest): string | null {
  const length = digestedLength(kept);
  if (length === null) return newInputSince(kept, text);
  if (length === 0) return text === '' ? null : text;
  if (text.length <= length || text[length] !== '*' || digest(text.slice(0, length)) !== kept) return null;
  return text.slice(length + 1);
}

/** The facility code pre-filled by an extended dial string, if the first hop carried one. */
export function prefilledFacilityCode(firstHopText: string): string | null {
  const first = firstHopText.split('*')[0]?.trim() ?? '';
  return FACILITY_CODE.test(first) ? first : null;
}

export const MORE = '98';
export const BACK = '0';
export const SKIP = '00';
