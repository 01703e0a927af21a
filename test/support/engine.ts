import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QuestionnaireDefinition } from '../../src/engine/definition.js';
import type { QuestionnaireTexts } from '../../src/engine/texts.js';
import { loadQuestionnaire } from '../../src/app/questionnaire-catalog.js';
import { createSystemTexts, loadShippedContent, textsFor } from '../../src/i18n/catalog.js';
import { PROJECT_ROOT } from '../../src/service.js';
import type { EngineInput, LoadedQuestionnaire, SessionState, StepFacts, StepResult } from '../../src/engine/session.js';
import { step } from '../../src/engine/session.js';

export const content = loadShippedContent(PROJECT_ROOT);
export const systemTexts = createSystemTexts(content, 'en', { helpline: '0800 000 000' });
export const LANGUAGES = Object.keys(content.locales);

export function shipped(id: string, version = 1): LoadedQuestionnaire {
  const def = content.flows.find((f) => f.id === id)!;
  return loadQuestionnaire({ id, version, status: 'published', definition: def, texts: textsFor(content, id), createdAt: new Date(0), publishedAt: new Date(0), publishedBy: 'test' });
}

export function fixture(): LoadedQuestionnaire {
  const dir = join(PROJECT_ROOT, 'test/fixtures');
  const definition = QuestionnaireDefinition.parse(JSON.parse(readFileSync(join(dir, 'every-type.json'), 'utf8')));
  const texts = JSON.parse(readFileSync(join(dir, 'every-type.texts.json'), 'utf8')) as Record<string, QuestionnaireTexts>;
  return loadQuestionnaire({ id: definition.id, version: 1, status: 'published', definition, texts, createdAt: new Date(0), publishedAt: new Date(0), publishedBy: 'test' });
}

export const facility = { code: '1001', name: 'Riverside Clinic', type: 'clinic', district: 'Riverside' };

export function factsFor(q: LoadedQuestionnaire, extra: Partial<StepFacts> = {}): StepFacts {
  return {
    now: new Date('2026-10-05T08:00:00Z'),
    languages: ['en', 'sw', 'zu'],
    texts: systemTexts,
    questionnaire: q,
    facilityLookup: { code: facility.code, facility: { ...facility, type: q.definition.facilityTypes[0]! }, questionnaire: q },
    ...extra,
  };
}

/**
 * Steps like a USSD hop does: the state is serialised to JSON and read back before every
 * step, so nothing survives that a real hop (another process, another day) would lose.
 */
export function hop(state: SessionState | null, input: EngineInput, facts: StepFacts): StepResult {
  const reloaded = state === null ? null : (JSON.parse(JSON.stringify(state)) as SessionState);
  return step(reloaded, input, facts);
}

/** Runs a list of inputs from a fresh session; returns every result. */
export function run(inputs: Array<EngineInput | string>, facts: StepFacts, start: EngineInput = { type: 'start' }): StepResult[] {
  const results: StepResult[] = [];
  let state: SessionState | null = null;
  for (const raw of [start, ...inputs]) {
    const input: EngineInput = typeof raw === 'string' ? { type: 'answer', text: raw } : raw;
    const r = hop(state, input, facts);
    results.push(r);
    state = r.state;
  }
  return results;
}
