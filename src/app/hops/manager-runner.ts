import { startManagerMenu, stepManagerMenu, type ManagerMenuEvent, type ManagerMenuInput, type ManagerMenuState, type ManagerMenuStep } from '../../engine/manager-menu.js';
import { managerPromptFor } from '../../engine/manager-prompt.js';
import type { Prompt, SystemTextSource } from '../../engine/prompt.js';
import { casesForManager, type ManagerCasesDeps } from '../cases/manager-cases.js';
import { checkManagerPin, managerPinStatus, type ManagerPinDeps } from '../cases/manager-pin.js';

/**
 * Runs the manager's menu for one hop, as run-conversation.ts runs the citizen's: steps the
 * machine and answers the lookups it asks for (whether the number has a PIN, the check of the
 * PIN just typed, the open cases of the manager's facilities), so what comes back is the next
 * screen and the effects to apply once the hop is claimed. The PIN is checked on the hop's own
 * input, here, and goes no further: only the outcome enters the machine.
 */

/** `texts` are the cases' texts (what was done, in every language); `systemTexts` the menu's own lines. */
export type ManagerRunnerDeps = ManagerCasesDeps & { systemTexts: SystemTextSource; pins: ManagerPinDeps };

/** The hop as the runner needs it: the caller's number as the provider gave it (for the PIN), never stored. */
export type ManagerHop = { phone: string };

export function createManagerRunner(deps: ManagerRunnerDeps) {
  async function settle(step: ManagerMenuStep, hop: ManagerHop, typed: string | null): Promise<ManagerMenuStep> {
    let current = step;
    let effects = [...step.effects];
    const answer = async (event: ManagerMenuEvent) => {
      current = stepManagerMenu(current.state, event);
      effects = [...effects, ...current.effects];
    };
    if (current.effects.some((e) => e.type === 'lookupManagerPin')) await answer({ type: 'MANAGER_PIN', status: await managerPinStatus(deps.pins, hop.phone) });
    if (current.effects.some((e) => e.type === 'checkManagerPin')) await answer({ type: 'PIN_CHECKED', ...(await checkManagerPin(deps.pins, hop.phone, typed ?? '')) });
    if (current.effects.some((e) => e.type === 'lookupManagerCases')) {
      const { context } = current.state;
      await answer({ type: 'MANAGER_CASES', ...(await casesForManager(deps, context.facilities, context.lang)) });
    }
    return { ...current, effects };
  }

  return {
    begin: (input: ManagerMenuInput, hop: ManagerHop) => settle(startManagerMenu(input), hop, null),
    advance: (state: ManagerMenuState, event: ManagerMenuEvent, hop: ManagerHop) => settle(stepManagerMenu(state, event), hop, event.type === 'ANSWER' ? event.text : null),
    promptOf: (state: ManagerMenuState): Prompt => managerPromptFor(state, deps.systemTexts),
  };
}

export type ManagerRunner = ReturnType<typeof createManagerRunner>;
