import type { AnswerValue, FollowUp, QuestionnaireDefinition } from '../definition.js';

/**
 * Whether a finished report names a concern, by its questionnaire's `followUp` rules, and what
 * a manager can say was done. Without a `followUp` block: a main problem (the question whose
 * role is main_problem) other than "none", or a satisfaction rating of 2 or less; the actions
 * DEFAULT_CASE_ACTIONS. Pure: answers in, answers out.
 */

export const DEFAULT_CASE_ACTIONS = ['spoke_to_staff', 'supplies_ordered', 'process_changed', 'repaired', 'other'] as const;

export function followUpOf(definition: QuestionnaireDefinition): FollowUp {
  if (definition.followUp) return definition.followUp;
  const concernWhen: FollowUp['concernWhen'] = [];
  const problem = definition.questions.find((q) => q.role === 'main_problem');
  if (problem) concernWhen.push({ question: problem.id, notIn: problem.type === 'choice' && problem.options.some((o) => o.code === 'none') ? ['none'] : [] });
  const satisfaction = definition.questions.find((q) => q.role === 'satisfaction' && q.type === 'rating');
  if (satisfaction) concernWhen.push({ question: satisfaction.id, atMost: 2 });
  return { concernWhen, actions: [...DEFAULT_CASE_ACTIONS] };
}

/**
 * The answers that make the report a concern (by question id), or null when none does. An
 * unanswered question never makes a concern.
 */
export function concernOf(definition: QuestionnaireDefinition, answers: Record<string, AnswerValue>): Record<string, AnswerValue> | null {
  const concern: Record<string, AnswerValue> = {};
  for (const rule of followUpOf(definition).concernWhen) {
    const value = answers[rule.question];
    if (value === undefined) continue;
    const matches = 'notIn' in rule ? !rule.notIn.includes(value) : typeof value === 'number' && value <= rule.atMost;
    if (matches) concern[rule.question] = value;
  }
  return Object.keys(concern).length ? concern : null;
}
