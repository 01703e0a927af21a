import type { MessageValues } from '../text/messages.js';
import { managerEventsFor, managerScreenOf, type ManagerMenuState } from './manager-menu.js';
import type { Prompt, SystemTextSource } from './prompt.js';
import type { Listening } from './question-types/question-type.js';
import type { Text } from './texts.js';

/**
 * The manager's menu as prompts, the same channel-neutral screens the citizen's conversation
 * makes, so USSD renders and pages them as it does every other menu. The cases' texts (the
 * facility, the concern, what can be done) came in with the cases, already in the manager's
 * language; the menu's own lines are system texts ("manager.*").
 */

const MENU: Listening = { ussd: 'menu', voice: 'key' };
const INPUT: Listening = { ussd: 'input', voice: 'digits' };

/** Text the cases brought along: shown as it is, keyed by what it is. */
const given = (key: string, text: string): Text => ({ key: `manager.${key}`, text });

export function managerPromptFor(state: ManagerMenuState, texts: SystemTextSource): Prompt {
  const c = state.context;
  const lang = c.lang;
  const t = (key: string, vars?: MessageValues) => texts.system(lang, key, vars);
  const base: Prompt = {
    id: 'manager:cases',
    kind: 'menu',
    lang,
    error: c.error ? t(c.error.key, c.error.vars) : null,
    body: [],
    options: [],
    listen: MENU,
    question: null,
    nav: { back: false, skip: false, labels: { back: t('nav.back'), skip: t('nav.skip'), more: t('nav.more') } },
  };
  const selected = c.cases?.find((x) => x.reference === c.selected) ?? null;
  switch (managerScreenOf(state)) {
    // the PIN screen takes digits; its error line says how many tries are left
    case 'pinLookup':
    case 'pin':
    case 'pinCheck':
      return { ...base, id: 'manager:pin', kind: 'input', listen: INPUT, body: [t('manager.pin.prompt')] };
    case 'loading':
    case 'cases': {
      const cases = c.cases ?? [];
      const facilities = new Set(cases.map((x) => x.facility));
      return {
        ...base,
        body: [t('manager.cases.title', { count: cases.length, more: c.more })],
        // the facility is named only when the cases come from more than one
        options: cases.map((x) => ({ value: x.reference, label: given('case', facilities.size > 1 ? `${x.reference} ${x.problem}, ${x.facility}` : `${x.reference} ${x.problem}`) })),
      };
    }
    case 'case': {
      const offered = selected ? managerEventsFor(selected.status) : [];
      return {
        ...base,
        id: 'manager:case',
        body: [t('manager.case.summary', { reference: selected?.reference ?? '', problem: selected?.problem ?? '', status: selected?.status ?? 'open' })],
        options: offered.map((e) => ({ value: e, label: t(`manager.event.${e}`) })),
        nav: { ...base.nav, back: true },
      };
    }
    case 'action':
      return {
        ...base,
        id: 'manager:action',
        body: [t('manager.action.prompt', { reference: selected?.reference ?? '' })],
        options: (selected?.actions ?? []).map((a) => ({ value: a.code, label: given(`action.${a.code}`, a.label) })),
        nav: { ...base.nav, back: true },
      };
    case 'note':
      return {
        ...base,
        id: 'manager:note',
        kind: 'input',
        listen: INPUT,
        body: [t(c.event === 'refer' ? 'manager.note.refer' : 'manager.note.prompt')],
        nav: { ...base.nav, back: true, skip: true },
      };
    case 'ended': {
      const end = c.end ?? { key: 'manager.end.no_cases' };
      return { ...base, id: `end:${end.key}`, kind: 'end', listen: null, error: null, body: [t(end.key, end.vars)] };
    }
  }
}
