import { z } from 'zod';
import { QuestionnaireDefinition } from '../engine/definition.js';
import { factsNeeded, render, step, type EngineInput, type SessionState, type StepFacts, type SystemTextSource } from '../engine/session.js';
import type { QuestionnaireTexts } from '../engine/texts.js';
import { renderUssd, type UssdScreen } from '../channels/ussd/render.js';
import type { Clock } from '../gateways/clock.js';
import type { Storage } from '../storage/ports.js';
import type { Draft } from '../storage/staff-ports.js';
import { interpret, pageMove } from './handle-ussd-hop.js';
import { loadQuestionnaire } from './questionnaire-catalog.js';

/**
 * The on-screen phone: runs the real engine and the real USSD renderer against a draft,
 * hop by hop, exactly as a respondent would meet it once published. It stores nothing:
 * the session state travels with each request, and facilities are looked up read-only.
 * The draft runs as version 0, which no published version can have.
 */

const SimState = z.object({ phase: z.enum(['resume', 'language', 'facility', 'consent', 'questions', 'ended']) }).loose();

export const SimulatorHop = z.object({
  /** null or absent: dial (the first hop) */
  state: SimState.nullable().optional(),
  page: z.number().int().min(0).max(50).default(0),
  input: z.string().max(200, 'must be at most 200 characters').default(''),
});
export type SimulatorHop = z.infer<typeof SimulatorHop>;

export type SimulatorReply =
  | { ok: true; screen: UssdScreen; state: SessionState; page: number; recorded: Array<{ questionId: string; value: unknown }>; facilityHint: string[] }
  | { ok: false; message: string };

export async function simulateDraftHop(
  deps: { storage: Storage; clock: Clock; texts: SystemTextSource; languages: string[]; screenLimit: number },
  draft: Pick<Draft, 'definition' | 'texts'>,
  hop: SimulatorHop,
): Promise<SimulatorReply> {
  const parsed = QuestionnaireDefinition.safeParse(draft.definition);
  if (!parsed.success) return { ok: false, message: 'the draft has errors in its questions; fix those (see the validation list) before trying it' };
  const definition = parsed.data;
  const loaded = loadQuestionnaire({
    id: definition.id,
    version: 0,
    status: 'draft',
    definition,
    // the engine shows a missing text as its key, which is what a tester needs to see
    texts: (draft.texts ?? {}) as Record<string, QuestionnaireTexts>,
    createdAt: new Date(0),
    publishedAt: null,
    publishedBy: null,
  });
  const facilities = (await deps.storage.facilities.list({ activeOnly: true })).filter((f) => definition.facilityTypes.includes(f.type));
  const facilityHint = facilities.slice(0, 3).map((f) => `${f.code} ${f.name}`);

  const facts = async (state: SessionState | null, input: EngineInput): Promise<StepFacts> => {
    const needed = factsNeeded(state, input, loaded);
    const f: StepFacts = { now: deps.clock.now(), languages: deps.languages, texts: deps.texts, questionnaire: loaded };
    if (needed.facilityCode) {
      const found = await deps.storage.facilities.findByCode(needed.facilityCode);
      const usable = found && found.active ? found : null;
      f.facilityLookup = {
        code: needed.facilityCode,
        facility: usable ? { code: usable.code, name: usable.name, type: usable.type, district: usable.district } : null,
        questionnaire: usable && definition.facilityTypes.includes(usable.type) ? loaded : null,
      };
    }
    return f;
  };

  try {
    const state = (hop.state ?? null) as SessionState | null;
    if (!state) {
      const input: EngineInput = { type: 'start' };
      const moved = step(null, input, await facts(null, input));
      return { ok: true, screen: renderUssd(moved.prompt, 0, deps.screenLimit), state: moved.state, page: 0, recorded: [], facilityHint };
    }
    if (state.phase === 'ended') return { ok: false, message: 'this simulated session has ended; dial again' };
    const current = render(state, await facts(state, { type: 'back' }));
    const paging = pageMove(hop.input, current, hop.page, deps.screenLimit);
    if (paging !== null) return { ok: true, screen: renderUssd(current, paging, deps.screenLimit), state, page: paging, recorded: [], facilityHint };
    const input = interpret(hop.input, current);
    const moved = step(state, input, await facts(state, input));
    const recorded = moved.effects.flatMap((e) => (e.type === 'answerRecorded' ? [{ questionId: e.questionId, value: e.value }] : []));
    return { ok: true, screen: renderUssd(moved.prompt, 0, deps.screenLimit), state: moved.state, page: 0, recorded, facilityHint };
  } catch {
    // a state from an older draft (a question removed since) cannot continue
    return { ok: false, message: 'the draft changed under this simulated session; dial again' };
  }
}
