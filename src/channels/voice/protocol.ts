import { z } from 'zod';
import { CALLER_NUMBER } from '../../text/phone-numbers.js';

/**
 * Africa's Talking voice callback: a form POST. During the call (isActive=1) it carries
 * sessionId, direction, callerNumber and destinationNumber, plus dtmfDigits after a
 * GetDigits or recordingUrl after a Record. The last request of a call has isActive=0 with
 * durationInSeconds, amount, currencyCode and often hangupCause; nothing is answered to it
 * beyond a 200. Fields AT adds that we do not use are ignored.
 */

const phone = z.string().trim().regex(CALLER_NUMBER, 'must be an international number such as +254711000111');
/** empty form fields count as absent, as AT leaves some fields empty */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const common = {
  sessionId: z.string({ error: 'sessionId is required' }).trim().min(1, 'sessionId is required').max(128, 'sessionId is too long'),
};

export const VoiceCallActive = z.object({
  ...common,
  isActive: z.literal('1'),
  direction: z
    .string({ error: 'direction is required (Inbound or Outbound)' })
    .trim()
    .transform((d) => d.toLowerCase())
    .pipe(z.enum(['inbound', 'outbound'], { error: 'direction must be Inbound or Outbound' })),
  callerNumber: z.string({ error: 'callerNumber is required' }).pipe(phone),
  destinationNumber: z.string({ error: 'destinationNumber is required' }).trim().min(1, 'destinationNumber is required').max(32),
  // odd digits are an answer to judge, never a malformed request; the body limit caps the size
  dtmfDigits: z.string().optional(),
  recordingUrl: z.string().max(2048, 'recordingUrl is too long').optional(),
});
export type VoiceCallActive = z.infer<typeof VoiceCallActive>;

export const VoiceCallEnded = z.object({
  ...common,
  isActive: z.literal('0'),
  direction: optional(z.string().trim().max(16)),
  callerNumber: optional(z.string().trim().max(32)),
  destinationNumber: optional(z.string().trim().max(32)),
  durationInSeconds: optional(z.coerce.number({ error: 'durationInSeconds must be a number' }).int().min(0).max(86_400)),
  amount: optional(z.coerce.number({ error: 'amount must be a number' }).min(0).max(1_000_000)),
  currencyCode: optional(
    z
      .string()
      .trim()
      .regex(/^[A-Z]{3}$/, 'currencyCode must be a three-letter code such as KES'),
  ),
  hangupCause: optional(z.string().trim().max(64)),
});
export type VoiceCallEnded = z.infer<typeof VoiceCallEnded>;

export const VoiceCallback = z.discriminatedUnion('isActive', [VoiceCallActive, VoiceCallEnded], {
  error: 'isActive is required: 1 during the call, 0 when it ends',
});
export type VoiceCallback = z.infer<typeof VoiceCallback>;

/**
 * Which reply a callback answers. Every reply carries its sequence number in the URLs AT
 * posts back to (`?seq=N`), so a callback AT repeats (same seq, same input) is told apart
 * from a caller who is silent twice in a row (a new seq each time). The number's own
 * callback URL (the first request) has no seq: 0.
 */
export const VoiceQuery = z.object({
  seq: z.preprocess((v) => (v === undefined || v === '' ? 0 : v), z.coerce.number().int().min(0).max(1_000_000)).catch(-1),
});

/** The keys a caller presses for things other than an answer. */
export const REPEAT_KEY = '*';
export const SKIP_KEY = '0';
/** Menus are answered with one key, 1-9. */
export const MAX_VOICE_OPTIONS = 9;
