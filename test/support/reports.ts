import type { AtUssdSession, Hop } from '../../src/channels/ussd/at-simulator.js';

/**
 * A whole report dialled over USSD as Africa's Talking posts it, for tests that need reports
 * stored: dials, sends each input, and returns the last screen. A report that names a concern
 * (by its questionnaire's follow-up rule: a main problem, or a low rating) is asked "May we
 * SMS you about what is done?" after its last answer, as a citizen is; that question is
 * answered here (No, unless told otherwise), once, so every scripted report ends the way a
 * citizen's does. A script that goes wrong still ends on a screen other than the thank-you,
 * which the caller's own expectation catches.
 */
export async function dialReport(phone: AtUssdSession, inputs: string[], options: { followUp?: 'yes' | 'no' } = {}): Promise<Hop> {
  let last = await phone.dial();
  for (const input of inputs) last = await phone.send(input);
  if (!last.end && isFollowUpQuestion(last)) last = await phone.send(options.followUp === 'yes' ? '1' : '2');
  return last;
}

/** The follow-up question ends with two options, Yes and No, in the report's language, and no way back. */
function isFollowUpQuestion(hop: Hop): boolean {
  return /\n1\. [^\n]+\n2\. [^\n]+$/.test(hop.body);
}
