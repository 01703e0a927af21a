import type { SystemTextSource } from '../../engine/prompt.js';
import type { Clock } from '../../gateways/clock.js';
import type { CountryCode } from '../../gateways/phone-number.js';
import type { ShippedContent } from '../../app/content.js';
import type { Store } from '../../storage/ports.js';
import type { validateQuestionnaire } from '../../app/questionnaires/validate-questionnaire.js';
import type { StaffAuth } from './auth.js';
import type { AudioCatalog } from '../../channels/voice/audio.js';
import type { ScorecardPreview } from '../../app/scorecards/preview-scorecard.js';
import type { SendNowDeps } from '../../app/scorecards/send-now.js';
import type { DashboardViews } from '../../app/staff/dashboard-views.js';

/** What the staff routes need from the assembled service. */
export type StaffContext = {
  storage: Store;
  clock: Clock;
  auth: StaffAuth;
  validation: Parameters<typeof validateQuestionnaire>[1];
  texts: SystemTextSource;
  content: ShippedContent;
  languages: string[];
  defaultLanguage: string;
  /** the country of phone numbers written without +country code */
  defaultCountry: CountryCode;
  timeZone: string;
  screenLimit: number;
  /** folder holding locales/ */
  root: string;
  /** scorecard dry runs for the preview page */
  scorecards: { preview(facilityCode: string, period: string): Promise<ScorecardPreview>; defaultPeriod(): string; minCount: number; sendNow: SendNowDeps };
  /** the voice channel's recordings and the languages it offers */
  voice: { audio: AudioCatalog; languages: string[] };
  production: boolean;
  /** keys the FLOIP Flow Results pseudonyms (derived from the respondent-key secret, never that secret itself) */
  flowResultsSecret: string;
  /** whether managers type a USSD PIN before their menu (MANAGER_PIN_REQUIRED) */
  managerPinRequired: boolean;
  /** the dashboard's figures, kept for a few seconds per period */
  dashboard: DashboardViews;
};
