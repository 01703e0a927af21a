import { join } from 'node:path';
import express, { Router } from 'express';
import { VoiceCallback, VoiceQuery } from '../../channels/voice/protocol.js';
import { AUDIO_DIR } from '../../channels/voice/audio.js';
import { el, xmlDocument } from '../../channels/voice/xml.js';
import type { VoiceRequest } from '../../channels/voice/adapter.js';
import type { VoiceCallEnded } from '../../channels/voice/protocol.js';
import { type Callback, emptyReply, validated, xmlReply } from '../callbacks.js';
import type { ServiceMetrics } from '../metrics.js';

/**
 * Africa's Talking voice callbacks (thin: HTTP in, use case, XML out) and the recorded
 * prompts AT fetches for `Play`, served read-only from locales/<lang>/audio/.
 */
type CallEnd = Pick<VoiceCallEnded, 'sessionId'> & {
  direction: 'inbound' | 'outbound' | null;
  durationInSeconds: number | null;
  amount: number | null;
  currencyCode: string | null;
  hangupCause: string | null;
};

const REJECT = xmlDocument(el('Response', undefined, [el('Reject')]));

export function voiceCallback(
  handler: { handleHop(req: VoiceRequest): Promise<string>; handleCallEnd(end: CallEnd): Promise<unknown> } | null,
  metrics: Pick<ServiceMetrics, 'now' | 'hop'>,
): Callback {
  return {
    path: '/voice',
    async handle(req) {
      const started = metrics.now();
      const parsed = validated(VoiceCallback, req.body);
      if (!parsed.ok) {
        metrics.hop('voice', 'invalid', started);
        return parsed.reply;
      }
      const body = parsed.data;
      try {
        if (body.isActive === '0') {
          if (handler) {
            const direction = body.direction?.toLowerCase();
            await handler.handleCallEnd({
              sessionId: body.sessionId,
              direction: direction === 'inbound' || direction === 'outbound' ? direction : null,
              durationInSeconds: body.durationInSeconds ?? null,
              amount: body.amount ?? null,
              currencyCode: body.currencyCode ?? null,
              hangupCause: body.hangupCause ?? null,
            });
          }
          // AT expects nothing back for the end of a call
          metrics.hop('voice', 'call_ended', started);
          return emptyReply();
        }
        if (!handler) {
          // voice is switched off (no PUBLIC_BASE_URL in production): turn the call away cleanly
          metrics.hop('voice', 'rejected', started);
          return xmlReply(REJECT);
        }
        const { seq } = VoiceQuery.parse(req.query);
        const xml = await handler.handleHop({ ...body, seq });
        // every reply that listens ends with a Redirect back to us; the last one does not
        metrics.hop('voice', xml.includes('<Redirect') ? 'continue' : 'end', started);
        return xmlReply(xml);
      } catch (err) {
        metrics.hop('voice', 'error', started);
        throw err;
      }
    },
  };
}

/** The recordings AT fetches for `Play`: only files under a language's audio folder; no listings, no dotfiles, no redirects. */
export function voiceAudioRoutes(audio: { root: string; languages: string[] }): Router {
  const router = Router();
  for (const lang of audio.languages) {
    router.use(`/voice/audio/${lang}`, express.static(join(audio.root, 'locales', lang, AUDIO_DIR), { index: false, dotfiles: 'deny', redirect: false, maxAge: '1h' }));
  }
  return router;
}
