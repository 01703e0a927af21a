import { followUpOf } from '../../engine/cases/concern.js';
import type { ManagedCase, ManagerMenuInput } from '../../engine/manager-menu.js';
import type { ManagerWalkSample } from '../../engine/manager-walk.js';
import type { CountryCode } from '../../gateways/phone-number.js';
import { toE164 } from '../../gateways/phone-number.js';
import type { CaseStatus, QuestionnaireVersion, Store } from '../../storage/ports.js';
import type { CaseTexts } from './case-texts.js';
import { caseActions } from './act-on-case.js';
import { problemWords } from './follow-up-run.js';
import { messageIn } from '../locale-messages.js';

/**
 * What the manager's USSD menu needs from the cases: who is dialling (a registered manager,
 * recognised by their E.164 number, or nobody), and the open cases of their facilities in
 * their language. A number that is not registered as an active manager of an active facility
 * is never recognised, so it never sees the menu.
 */

export type ManagerCasesDeps = {
  storage: Store;
  texts: CaseTexts;
  defaultLanguage: string;
  languages: string[];
  defaultCountry: CountryCode;
  /** the programme asks for the manager's PIN before the menu (MANAGER_PIN_REQUIRED) */
  pinRequired?: boolean;
};

/** Cases a manager still has to act on: the ones the menu's three events apply to. */
export const CASES_TO_ACT_ON: CaseStatus[] = ['open', 'reopened', 'acknowledged', 'escalated'];
/** The newest this many are listed on a phone; the rest wait for the console or a later call. */
export const MANAGER_MENU_CASES = 20;

/** The menu's input for the caller, or null when their number is not a registered manager's. */
export async function recogniseManager(deps: ManagerCasesDeps, callerNumber: string): Promise<ManagerMenuInput | null> {
  const phone = toE164(callerNumber, deps.defaultCountry, 'possible');
  if (!phone) return null;
  const facilities = await deps.storage.facilities.managedBy(phone);
  const manager = facilities.flatMap((f) => f.managers).find((m) => m.active && m.phone === phone);
  if (!manager) return null;
  return {
    lang: deps.languages.includes(manager.language) ? manager.language : deps.defaultLanguage,
    actor: `${manager.name} (manager)`,
    facilities: facilities.map((f) => f.code),
    ...(deps.pinRequired ? { pinRequired: true } : {}),
  };
}

/** The open cases of these facilities, newest first, as the menu lists them in `lang`; `more` when the list was cut. */
export async function casesForManager(deps: ManagerCasesDeps, facilityCodes: string[], lang: string): Promise<{ cases: ManagedCase[]; more: number }> {
  const found = await deps.storage.cases.list({ facilityCodes, statuses: CASES_TO_ACT_ON }, MANAGER_MENU_CASES + 1);
  const listed = found.slice(0, MANAGER_MENU_CASES);
  const names = new Map<string, string>();
  const cases: ManagedCase[] = [];
  for (const c of listed) {
    if (!names.has(c.facilityCode)) names.set(c.facilityCode, (await deps.storage.facilities.findByCode(c.facilityCode))?.name ?? c.facilityCode);
    const problem = await problemWords(deps, c);
    const actions = await caseActions(deps.storage, c);
    cases.push({
      reference: c.reference,
      facility: names.get(c.facilityCode)!,
      problem: problem(lang),
      status: c.status,
      actions: actions.map((code) => ({ code, label: messageIn(deps.texts, lang, deps.defaultLanguage, `action.${code}`) ?? code })),
    });
  }
  return { cases, more: found.length - listed.length };
}

/**
 * The longest texts a questionnaire can put on the manager's menu in `lang`: its concerns in
 * words and what can be said to be done, with the longest facility name a registry may hold.
 * The path walk of the menu (engine/manager-walk.ts) checks every screen with them.
 */
export function managerMenuSample(q: Pick<QuestionnaireVersion, 'definition' | 'texts'>, lang: string, texts: CaseTexts, defaultLanguage: string, longestFacilityName: string): ManagerWalkSample {
  const followUp = followUpOf(q.definition);
  const concernQuestions = new Set(followUp.concernWhen.map((rule) => rule.question));
  const problems = Object.entries(q.texts[lang]?.questions ?? {})
    .filter(([id]) => concernQuestions.has(id))
    .flatMap(([, question]) => Object.values(question.options ?? {}));
  const longest = (list: string[]) => list.reduce((a, b) => (b.length > a.length ? b : a), '');
  return {
    facility: longestFacilityName,
    // a rating names its concern by its number
    problem: longest(problems) || '5',
    actions: followUp.actions.map((code) => ({ code, label: messageIn(texts, lang, defaultLanguage, `action.${code}`) ?? code })),
  };
}
