import { join } from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { VoiceCallback, VoiceQuery } from '../../channels/voice/protocol.js';
import { AUDIO_DIR } from '../../channels/voice/audio.js';
import { el, xmlDocument } from '../../channels/voice/xml.js';
import type { VoiceRequest } from '../../channels/voice/adapter.js';
import type { VoiceCallEnded } from '../../channels/voice/protocol.js';
import type { ServiceMetrics } from '../metrics.js';
import { parseOr400 } from '../validation.js';

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

export function voiceRoutes(
  handler: { handleHop(req: VoiceRequest): Promise<string>; handleCallEnd(end: CallEnd): Promise<unknown> } | null,
  callbackGuard: RequestHandler,
  audio: { root: string; languages: string[] },
  metrics: Pick<ServiceMetrics, 'now' | 'hop'>,
): Router {
  const router = Router();

  router.post('/voice', callbackGuard, async (req, res) => {
    const started = metrics.now();
    const body = parseOr400(VoiceCallback, req.body, res, 'text');
    if (!body) return metrics.hop('voice', 'invalid', started);
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
        res.status(200).end();
        return metrics.hop('voice', 'call_ended', started);
      }
      if (!handler) {
        // voice is switched off (no PUBLIC_BASE_URL in production): turn the call away cleanly
        res.type('application/xml').send(xmlDocument(el('Response', undefined, [el('Reject')])));
        return metrics.hop('voice', 'rejected', started);
      }
      const { seq } = VoiceQuery.parse(req.query);
      const xml = await handler.handleHop({ ...body, seq });
      res.type('application/xml').send(xml);
      // every reply that listens ends with a Redirect back to us; the last one does not
      metrics.hop('voice', xml.includes('<Redirect') ? 'continue' : 'end', started);
    } catch (err) {
      metrics.hop('voice', 'error', started);
      throw err;
    }
  });

  for (const lang of audio.languages) {
    // only files under the language's audio folder; no listings, no dotfiles, no redirects
    router.use(`/voice/audio/${lang}`, express.static(join(audio.root, 'locales', lang, AUDIO_DIR), { index: false, dotfiles: 'deny', redirect: false, maxAge: '1h' }));
  }
  return router;
}
