import type { Ctx, Deps } from '../context.ts';

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
export interface TrainingSettings {
  baseUrl: string;
  /** Minutes a seat is held for a registration until it is confirmed by e-mail (HOLD_MINUTES). */
  holdMinutes: number;
  /** The share of a session's seats, in percent, that unconfirmed registrations may hold at once (HOLD_MAX_PERCENT). */
  holdMaxPercent: number;
  offerHours: number;
  reminderDays: number[];
  retentionMonths: number;
  /** Months a mail is kept after it was sent (default 3). */
  outboxRetentionMonths?: number;
  /** Years a proof of attendance for a register is kept (PROOF_RETENTION_YEARS, default 5). */
  proofRetentionYears?: number;
}
