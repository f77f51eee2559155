import type { Ctx, Deps } from '../context.ts';
import type { TrainingSettings } from './service.ts';

/** The trainings' settings, read from the configuration (retention, holds, offers, reminders). */
export function settingsFrom(deps: Deps): TrainingSettings {
  const { config } = deps;
  return {
    baseUrl: config.baseUrl,
    holdMinutes: config.HOLD_MINUTES,
    holdMaxPercent: config.HOLD_MAX_PERCENT,
    offerHours: config.OFFER_HOURS,
    reminderDays: config.REMINDER_DAYS,
    retentionMonths: config.RETENTION_MONTHS,
    outboxRetentionMonths: config.OUTBOX_RETENTION_MONTHS,
    proofRetentionYears: config.PROOF_RETENTION_YEARS,
  };
}

/** The same, for a request. */
export const trainingSettings = (c: Ctx): TrainingSettings => settingsFrom(c.get('deps'));
