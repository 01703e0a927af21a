import { randomBytes } from 'node:crypto';
import { createInputDigest } from '../../text/input-digest.js';
import { z } from 'zod';
import { type AnswerValue, QuestionnaireDefinition } from '../../engine/definition.js';
import { exportLabelFor } from '../../engine/labels.js';
import { prepareQuestionnaire } from '../../engine/conversation.js';
import type { SystemTextSource } from '../../engine/prompt.js';
import type { ConversationState } from '../../engine/stepping.js';
import type { QuestionnaireTexts } from '../../engine/texts.js';
import { ussdAdapter } from '../../channels/ussd/adapter.js';
import { renderUssd, type UssdScreen } from '../../channels/ussd/render.js';
import type { Clock } from '../../gateways/clock.js';
import type { Store } from '../../storage/ports.js';
import type { Draft } from '../../storage/staff-ports.js';
import { createConversationRunner } from '../hops/run-conversation.js';

const SIMULATOR_DIGEST = createInputDigest(randomBytes(32));

/**
 * The on-screen phone: runs the real conversation machine and the real USSD renderer
 * against a draft, hop by hop, exactly as a respondent would meet it once published. It
 * stores nothing: the conversation state travels with each request, and facilities are
 * looked up read-only. The draft runs as version 0, which no published version can have.
 */

const SimState = z.object({ value: z.union([z.string(), z.record(z.string(), z.unknown())]), context: z.object({ languages: z.array(z.string()) }).loose() });

export const SimulatorHop = z.object({
  /** null or absent: dial (the first hop) */
  state: SimState.nullable().optional(),
  page: z.number().int().min(0).max(50).default(0),
  input: z.string().max(200, 'must be at most 200 characters').default(''),
});
export type SimulatorHop = z.infer<typeof SimulatorHop>;

/** A screen as the phone shows it: no CON/END protocol prefix; `end` when it is the session's last screen. `wire` is what Africa's Talking receives. */
export type PhoneScreen = { text: string; end: boolean; wire: string };

export function phoneScreen(screen: UssdScreen): PhoneScreen {
  return { text: screen.text.replace(/^(CON|END) /, ''), end: screen.end, wire: screen.text };
}

/** An answer the hop would store: its code, and for the officer "Question 4" and its wording ("Good"). */
export type RecordedAnswer = { questionId: string; value: unknown; question: string; answer: string };

export type SimulatorReply = { ok: true; screen: PhoneScreen; state: ConversationState; page: number; recorded: RecordedAnswer[]; facilityHint: string[] } | { ok: false; message: string };

export async function simulateDraftHop(
  deps: { storage: Store; clock: Clock; texts: SystemTextSource; languages: string[]; screenLimit: number; maxFacilityAttempts?: number },
  draft: Pick<Draft, 'definition' | 'texts'>,
  hop: SimulatorHop,
): Promise<SimulatorReply> {
  const parsed = QuestionnaireDefinition.safeParse(draft.definition);
  if (!parsed.success) return { ok: false, message: 'the draft has errors in its questions; fix those (see the validation list) before trying it' };
  const definition = parsed.data;
  // the engine shows a missing text as its key, which is what a tester needs to see
  const loaded = prepareQuestionnaire({ id: definition.id, version: 0, definition, texts: (draft.texts ?? {}) as Record<string, QuestionnaireTexts> });
  const facilities = (await deps.storage.facilities.list({ activeOnly: true })).filter((f) => definition.facilityTypes.includes(f.type));
  const facilityHint = facilities.slice(0, 3).map((f) => `${f.code} ${f.name}`);
  const runner = createConversationRunner({
    storage: deps.storage,
    // only the draft exists here: every facility of its types is served by it
    questionnaires: {
      get: async (id, version) => (id === loaded.id && version === 0 ? loaded : null),
      currentForFacilityType: async (type) => (definition.facilityTypes.includes(type) ? loaded : null),
    },
    texts: deps.texts,
    settings: { resumeWindowMinutes: 0, maxFacilityAttempts: deps.maxFacilityAttempts ?? 3 },
  });
  // the simulator keeps no session: each hop is read as the first after an empty text
  const ussd = ussdAdapter({ screenLimit: deps.screenLimit, inputDigest: SIMULATOR_DIGEST });

  try {
    if (!hop.state) {
      const turn = await runner.begin({ channel: 'ussd', respondentKey: 'simulator', languages: deps.languages, maxRetries: null }, null, deps.clock.now());
      const screen = phoneScreen(renderUssd(await runner.promptOf(turn.state, null), 0, deps.screenLimit));
      return { ok: true, screen, state: turn.state, page: 0, recorded: [], facilityHint };
    }
    const state = hop.state as unknown as ConversationState; // checked by the machine itself: a foreign state throws below
    const current = await runner.promptOf(state, null);
    if (current.kind === 'end') return { ok: false, message: 'this simulated session has ended; dial again' };
    const reading = ussd.read({ sessionId: 'sim', serviceCode: '*', phoneNumber: '+0', text: hop.input }, { inputKey: '', page: hop.page, seq: 0 }, current);
    if (reading.kind === 'page') return { ok: true, screen: phoneScreen(renderUssd(current, reading.page, deps.screenLimit, { error: false })), state, page: reading.page, recorded: [], facilityHint };
    // the simulator has no earlier hop, so an empty send reads as "stale"; on a phone it is an empty answer
    const turn = await runner.advance(state, reading.kind === 'event' ? reading.event : { type: 'ANSWER', text: '' });
    const inWords = (questionId: string, value: AnswerValue): RecordedAnswer => {
      const at = definition.questions.findIndex((q) => q.id === questionId);
      const q = definition.questions[at];
      return { questionId, value, question: at >= 0 ? `Question ${at + 1}` : questionId, answer: q ? exportLabelFor(q, value, loaded.texts, deps.texts.defaultLanguage, deps.texts) : String(value) };
    };
    const recorded = turn.effects.flatMap((e) => (e.type === 'answerRecorded' ? [inWords(e.questionId, e.value)] : []));
    return { ok: true, screen: phoneScreen(renderUssd(await runner.promptOf(turn.state, null), 0, deps.screenLimit)), state: turn.state, page: 0, recorded, facilityHint };
  } catch {
    // a state from an older draft (a question removed since) cannot continue
    return { ok: false, message: 'the draft changed under this simulated session; dial again' };
  }
}
