import { createSystemTexts, loadShippedContent, textsFor } from '../../app/content.js';
import { validateQuestionnaire } from '../../app/questionnaires/validate-questionnaire.js';
import { loadCaseTexts } from '../../app/cases/case-texts.js';
import { loadConfig } from '../config.js';
import { offeredLanguages, PROJECT_ROOT } from '../service.js';
import { prepareVoiceChannel } from '../voice-channel.js';

/**
 * `npm run check:questionnaires`: validates every questionnaire in flows/ against every
 * language, walking all paths and checking that each screen fits, as publishing does
 * (including the voice checks: one-key menus and recordings for the voice languages, and the
 * manager's menu with each questionnaire's concerns and actions).
 */
const config = loadConfig();
const content = loadShippedContent(PROJECT_ROOT);
const languages = offeredLanguages(content, config);
const systemTexts = createSystemTexts(content, config.defaultLanguage, { helpline: config.helpline });
const quiet = { info() {}, warn() {}, error() {} };
const voice = prepareVoiceChannel({ config, root: PROJECT_ROOT, content, languages, texts: systemTexts, log: quiet });
const caseTexts = loadCaseTexts(PROJECT_ROOT);
let failed = false;
for (const flow of content.flows) {
  const report = validateQuestionnaire(
    { definition: flow, texts: textsFor(content, flow.id) },
    {
      languages,
      systemTexts,
      screenLimit: config.ussd.screenLimit,
      channelChecks: [voice.channelCheck],
      caseTexts,
    },
  );
  const paths = Object.entries(report.paths)
    .map(([l, n]) => `${l}:${n}`)
    .join(' ');
  console.log(`${report.ok ? 'ok  ' : 'FAIL'} ${flow.id} (${flow.questions.length} questions; paths walked ${paths || 'none'})`);
  for (const issue of report.issues) console.log(`     ${issue.where}${issue.lang ? ` [${issue.lang}]` : ''}: ${issue.message}`);
  failed ||= !report.ok;
}
process.exit(failed ? 1 : 0);
