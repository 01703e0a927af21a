import type { ConversationEvent, Effect, LoadedQuestionnaire } from '../../engine/conversation.js';
import type { ManagerMenuEffect, ManagerMenuInput, ManagerMenuState } from '../../engine/manager-menu.js';
import { isManagerMenuState, type SessionState } from '../../engine/session-state.js';
import type { Prompt } from '../../engine/prompt.js';
import type { ManagerRunner } from './manager-runner.js';
import type { Caller, ConversationRunner } from './run-conversation.js';

/**
 * Which conversation a session holds: the citizen's report card, or, for a registered
 * manager's number on USSD, the manager's menu. Decided once, on the session's first hop;
 * after that the stored state names its machine. The hop lifecycle (handle-hop.ts) sees one
 * runner and never asks which.
 */

export type { SessionState };
export type SessionEffect = Effect | ManagerMenuEffect;
export type SessionTurn = { state: SessionState; effects: SessionEffect[]; questionnaire: LoadedQuestionnaire | null };

/** `phone` as the provider gave it: asked whether it is a manager's, never kept. */
export type SessionCaller = Caller & { phone: string };

export type SessionRunner = {
  begin(caller: SessionCaller, prefilledFacilityCode: string | null, now: Date): Promise<SessionTurn>;
  /** `hop.phone`: the caller's number on this hop, as the provider gave it (a manager's PIN is checked against it), never kept */
  advance(state: SessionState, event: ConversationEvent, hop?: { phone: string }): Promise<SessionTurn>;
  promptOf(state: SessionState, reference: string | null): Promise<Prompt>;
  failedAtStart(languages: string[]): Promise<Prompt>;
};

export type ManagerDesk = { runner: ManagerRunner; recognise(callerNumber: string): Promise<ManagerMenuInput | null> };

export function createSessionRunner(citizens: ConversationRunner, managers: ManagerDesk | null): SessionRunner {
  const managerTurn = async (step: Promise<{ state: ManagerMenuState; effects: ManagerMenuEffect[] }>): Promise<SessionTurn> => ({ ...(await step), questionnaire: null });
  return {
    async begin(caller, prefilledFacilityCode, now) {
      // the manager's menu is USSD's: it lists references and takes a typed note
      const manager = managers && caller.channel === 'ussd' ? await managers.recognise(caller.phone) : null;
      if (manager && managers) return managerTurn(managers.runner.begin(manager, { phone: caller.phone }));
      return citizens.begin(caller, prefilledFacilityCode, now);
    },
    advance(state, event, hop) {
      if (isManagerMenuState(state)) {
        if (!managers) throw new Error("a manager's session, but no manager's menu is wired");
        return managerTurn(managers.runner.advance(state, event, hop ?? { phone: '' }));
      }
      return citizens.advance(state, event);
    },
    async promptOf(state, reference) {
      if (isManagerMenuState(state)) {
        if (!managers) throw new Error("a manager's session, but no manager's menu is wired");
        return managers.runner.promptOf(state);
      }
      return citizens.promptOf(state, reference);
    },
    failedAtStart: (languages) => citizens.failedAtStart(languages),
  };
}
