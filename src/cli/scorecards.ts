import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/config.js';
import { createService } from '../service.js';
import { maskPhone } from '../gateways/sms/port.js';
import { PeriodError } from '../app/run-scorecards.js';
import { formatPeriod, parsePeriod, periodJustEnded } from '../scorecards/period.js';

/**
 * npm run scorecards -- --period 2026-10 --dry-run   print each recipient's exact text and segment count
 * npm run scorecards -- --period 2026-10             compute, enqueue and send that period (safe to repeat)
 * Without --period: the period that just ended (SCORECARD_PERIOD, TIME_ZONE).
 */
async function main() {
  const { values } = parseArgs({
    options: { period: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    console.log('usage: npm run scorecards -- [--period 2026-10 | --period 2026-W41] [--dry-run]');
    return;
  }
  const config = loadConfig();
  // a typo should not wait for storage to start
  if (values.period !== undefined && !parsePeriod(values.period)) throw new PeriodError(`"${values.period}" is not a period: use a month such as 2026-10 or an ISO week such as 2026-W41`);
  const service = await createService(config);
  try {
    const period = values.period ?? formatPeriod(periodJustEnded(service.clock.now(), config.scorecards.period, config.timeZone));
    const dryRun = values['dry-run'] ?? false;
    const started = Date.now();
    const report = await service.scorecards.run(period, {
      dryRun,
      onProgress: (step, done, total) => process.stderr.write(process.stderr.isTTY ? `\r${step}: ${done}/${total}${done === total ? '\n' : ''}` : `${step}: ${done}/${total}\n`),
    });
    console.log(`Scorecards ${report.period} (${report.from.toISOString()} to ${report.to.toISOString()}, ${config.timeZone})${dryRun ? ' - DRY RUN, nothing stored or sent' : ''}`);
    console.log(`${report.scorecards.length} facilities, ${report.messages.length} messages, ${report.skipped.length} recipients skipped\n`);
    for (const m of report.messages) {
      console.log(`--- ${m.subjectKind} ${m.subjectCode} -> ${m.recipientName} ${maskPhone(m.phone)} [${m.language}] ${m.segments} segment${m.segments === 1 ? '' : 's'}, ${m.units} chars, ${m.encoding}`);
      console.log(m.text);
    }
    for (const s of report.skipped) console.log(`--- skipped ${s.subject} ${s.manager}: ${s.reason}`);
    if (!dryRun) {
      console.log(`\nstored ${report.created.scorecards} new scorecards, queued ${report.created.messages} new messages; sending through ${service.scorecards.gateway.name}...`);
      const sent = await service.scorecards.sender.drain();
      console.log(`sent ${sent.sent}, failed ${sent.failed}, to retry later ${sent.retrying} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await service.stop(1000);
  }
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof PeriodError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
