import { startManagerMenu, stepManagerMenu, type ManagerMenuEvent, type ManagerMenuInput, type ManagerMenuState, type ManagerMenuStep } from '../../engine/manager-menu.js';
import { managerPromptFor } from '../../engine/manager-prompt.js';
import type { Prompt, SystemTextSource } from '../../engine/prompt.js';
import { casesForManager, type ManagerCasesDeps } from '../cases/manager-cases.js';

/**
 * Runs the manager's menu for one hop, as run-conversation.ts runs the citizen's: steps the
 * machine and answers the lookup it asks for (the open cases of the manager's facilities),
 * so what comes back is the next screen and the effects to apply once the hop is claimed.
 */

/** `texts` are the cases' texts (what was done, in every language); `systemTexts` the menu's own lines. */
export type ManagerRunnerDeps = ManagerCasesDeps & { systemTexts: SystemTextSource };

export function createManagerRunner(deps: ManagerRunnerDeps) {
  async function settle(step: ManagerMenuStep): Promise<ManagerMenuStep> {
    if (!step.effects.some((e) => e.type === 'lookupManagerCases')) return step;
    const { context } = step.state;
    const found = await casesForManager(deps, context.facilities, context.lang);
    const next = stepManagerMenu(step.state, { type: 'MANAGER_CASES', ...found });
    return { ...next, effects: [...step.effects, ...next.effects] };
  }

  return {
    begin: (input: ManagerMenuInput) => settle(startManagerMenu(input)),
    advance: (state: ManagerMenuState, event: ManagerMenuEvent) => settle(stepManagerMenu(state, event)),
    promptOf: (state: ManagerMenuState): Prompt => managerPromptFor(state, deps.systemTexts),
  };
}

export type ManagerRunner = ReturnType<typeof createManagerRunner>;
