import type { ManagerMenuState } from './manager-menu.js';
import type { ConversationState } from './stepping.js';

/**
 * What a hop session stores as its engine state: the citizen's conversation, or the manager's
 * menu, which marks itself `machine: 'manager'` (sessions stored before there was a menu carry
 * no mark, and are conversations).
 */
export type SessionState = ConversationState | ManagerMenuState;

export function isManagerMenuState(state: SessionState): state is ManagerMenuState {
  return 'machine' in state && state.machine === 'manager';
}
