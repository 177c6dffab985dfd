/**
 * The one place that reads `process.env`. Parsed and validated once at start-up; everything else receives an `Env`.
 * Every variable is documented in `.env.example` and the README's configuration table.
 */
import { z } from 'zod';
import { AGENCY_CODES } from '../domain/agencies';
import { DEFAULT_TASK_QUEUE } from '../domain/definitions';
import { DEFAULT_COMPLAINT_RULES } from '../domain/complaints';
import { DEFAULT_HOTLINE_RULES } from '../domain/hotline';
import { NON_STATUTORY_MATTERS } from '../domain/matters';
import { atMostTwoDecimals } from '../domain/quality';
import { DEFAULT_RULE_CONFIG, type RuleConfig } from '../domain/rule-config';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
/** A China-time clock time `HH:MM`, as minutes after midnight. */
const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM')
  .transform((v) => Number(v.slice(0, 2)) * 60 + Number(v.slice(3, 5)));
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const schema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('.data'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(3000),
  /** Copies of a stop signal within this window are one request (npm passes Ctrl-C on); a later one exits at once. */
  SHUTDOWN_REPEAT_GRACE_MS: z.coerce.number().int().min(0).default(1_500),

  DATABASE_URL: optionalString,
  /** The URL the API and worker connect with; default: DATABASE_URL as the role legal_aid_app (APP_DATABASE_PASSWORD). */
  APP_DATABASE_URL: optionalString,
  APP_DATABASE_PASSWORD: optionalString,
  DATABASE_POOL_MAX: positiveInt.default(10),
  EMBEDDED_PG_PORT: port.default(54329),
  MIGRATE_ON_START: bool.default(true),

  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default(DEFAULT_TASK_QUEUE),
  TEMPORAL_TLS: bool.optional(),
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_CA_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_TEST_SERVER_PATH: optionalString,
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),

  WORKFLOW_BUNDLE_PATH: optionalString,
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(1000),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInt.default(20),
  WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt.default(20),

  AUTH_ISSUER: z.string().default('shaoxing-legal-aid'),
  AUTH_AUDIENCE: z.string().default('legal-aid-api'),
  AUTH_HMAC_KEYS: optionalString,
  AUTH_SIGNING_KEY_ID: optionalString,
  AUTH_JWKS_URL: optionalString.pipe(z.url().optional()),
  PAYLOAD_KEYS: optionalString,
  PAYLOAD_KEY_ID: optionalString,
  STATUS_CODE_SECRET: optionalString,
  CODEC_CORS_ORIGINS: z.string().default('http://127.0.0.1:8233,http://localhost:8233'),
  /** Which proxies' X-Forwarded-For names the client (rate limits, audit): off unless set (see trustProxySetting). */
  TRUST_PROXY: z.string().default(''),
  RATE_LIMIT_INTAKE_PER_MINUTE: positiveInt.default(30),
  RATE_LIMIT_ACTIONS_PER_MINUTE: positiveInt.default(120),
  RATE_LIMIT_LOOKUP_PER_MINUTE: positiveInt.default(10),
  REQUIRE_TRAINING: bool.default(true),
  // Issue 8: the read model's reconciliation schedule and the daily digest (China time).
  SCHEDULES_ENABLED: bool.default(true),
  RECONCILE_EVERY_MINUTES: positiveInt.default(15),
  DIGEST_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM')
    .default('08:30'),
  DIGEST_WITHIN_HOURS: positiveInt.default(24),
  METRICS_TOKEN: optionalString,
  WORKER_METRICS_PORT: port.optional(),
  WORKER_METRICS_URL: optionalString.pipe(z.url().optional()),

  RULE_CORRECTION_DAYS: positiveInt.default(DEFAULT_RULE_CONFIG.correctionDays),
  RULE_REVIEW_DAYS: positiveInt.default(DEFAULT_RULE_CONFIG.reviewDays),
  RULE_REMINDER_DAYS_BEFORE: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'comma-separated whole numbers of days, e.g. 3,1,0')
    .default(DEFAULT_RULE_CONFIG.reminderDaysBefore.join(','))
    .transform((v) => v.split(',').map(Number)),
  RULE_REMINDER_HOUR: z.coerce.number().int().min(0).max(23).default(DEFAULT_RULE_CONFIG.reminderHourCst),
  RULE_MAX_EXTENSION_DAYS: positiveInt.default(DEFAULT_RULE_CONFIG.maxExtensionDays),
  RULE_REVIEW_PAUSES_FOR_MATERIALS: bool.default(DEFAULT_RULE_CONFIG.reviewPausesForMaterials),
  RULE_OBJECTION_WINDOW_DAYS: positiveInt.default(DEFAULT_RULE_CONFIG.objectionWindowDays),
  RULE_OBJECTION_REVIEW_DAYS: positiveInt.default(DEFAULT_RULE_CONFIG.objectionReviewDays),
  RULE_ASSIGNMENT_DAYS: positiveInt.default(DEFAULT_RULE_CONFIG.assignmentDays),
  RULE_MEMBER_CONFIRM_HOURS: positiveInt.default(DEFAULT_RULE_CONFIG.memberConfirmHours),
  RULE_POOL_REENTRY_AFTER_IMPACT: z.enum(['confirm', 'automatic']).default(DEFAULT_RULE_CONFIG.poolReentryAfterImpact),
  RULE_PERSONS_PER_MEMBER: positiveInt.default(DEFAULT_RULE_CONFIG.personsPerMember),
  RULE_MAX_MEMBERS_PER_CASE: positiveInt.default(DEFAULT_RULE_CONFIG.maxMembersPerCase),
  RULE_EXCELLENT_THRESHOLD: positiveInt.default(DEFAULT_RULE_CONFIG.excellentThreshold),
  RULE_EXCELLENT_WEIGHT: z.coerce.number().min(1).max(10).default(DEFAULT_RULE_CONFIG.excellentWeight),
  RULE_ENGAGEMENT_DAYS: positiveInt.default(DEFAULT_RULE_CONFIG.engagementDays),
  RULE_CLOSURE_REPORT_DAYS: positiveInt.default(DEFAULT_RULE_CONFIG.closureReportDays),
  RULE_EVALUATION_STEP_DAYS: positiveInt.default(DEFAULT_RULE_CONFIG.evaluationStepDays),
  RULE_EVALUATION_OBJECTION_DAYS: positiveInt.default(DEFAULT_RULE_CONFIG.evaluationObjectionDays),
  RULE_SPOT_CHECK_RATE: z.coerce.number().min(0).max(1).default(DEFAULT_RULE_CONFIG.spotCheckRate),
  RULE_INTERVIEW_DAYS: positiveInt.default(DEFAULT_RULE_CONFIG.interviewDays),
  // S-2.4, S-2.5 hotline: China-time windows as HH:MM, limits in minutes, calls per duty day.
  HOTLINE_DAY_START: hhmm.default(DEFAULT_HOTLINE_RULES.dayStartMinute),
  HOTLINE_DAY_END: hhmm.default(DEFAULT_HOTLINE_RULES.dayEndMinute),
  HOTLINE_DAY_ANSWER_MINUTES: positiveInt.default(DEFAULT_HOTLINE_RULES.dayAnswerMinutes),
  HOTLINE_NIGHT_ANSWER_BY: hhmm.default(DEFAULT_HOTLINE_RULES.nightAnswerByMinute),
  HOTLINE_CLAIM_HOLD_MINUTES: positiveInt.default(DEFAULT_HOTLINE_RULES.claimHoldMinutes),
  DUTY_CALLS_PER_DAY: positiveInt.default(DEFAULT_HOTLINE_RULES.callsPerDutyDay),
  // L-13 complaints: acceptance, handling, the one extension, the result notice, the answer of whoever is complained
  // about.
  COMPLAINT_ACCEPT_WORKING_DAYS: positiveInt.default(DEFAULT_COMPLAINT_RULES.acceptWorkingDays),
  COMPLAINT_HANDLE_DAYS: positiveInt.default(DEFAULT_COMPLAINT_RULES.handleDays),
  COMPLAINT_MAX_EXTENSION_DAYS: positiveInt.default(DEFAULT_COMPLAINT_RULES.maxExtensionDays),
  COMPLAINT_NOTIFY_WORKING_DAYS: positiveInt.default(DEFAULT_COMPLAINT_RULES.notifyWorkingDays),
  COMPLAINT_RESPONSE_WORKING_DAYS: positiveInt.default(DEFAULT_COMPLAINT_RULES.responseWorkingDays),
  // S-2.5: which answered calls count toward duty days: phone, online, or both (comma-separated).
  DUTY_CHANNELS: z
    .string()
    .default(DEFAULT_HOTLINE_RULES.dutyChannels.join(','))
    .transform((v) => [...new Set(v.split(',').map((c) => c.trim()))])
    .pipe(z.array(z.enum(['phone', 'online'])).min(1)),
  // S-2.8(a), S-4.6: "65分以下" (included), two decimals at most.
  RULE_REMOVAL_THRESHOLD: z.coerce
    .number()
    .min(0)
    .max(100)
    .refine(atMostTwoDecimals, '最多两位小数')
    .default(DEFAULT_RULE_CONFIG.removalThreshold),
  RULE_SPECIAL_CASE_COEFFICIENT: z.coerce.number().min(0).max(5).default(DEFAULT_RULE_CONFIG.specialCaseCoefficient),
  // S-4.5: the share of the base fee a case terminated after assignment is paid (the texts give no number).
  RULE_TERMINATED_CASE_FEE_SHARE: z.coerce.number().min(0).max(1).default(DEFAULT_RULE_CONFIG.terminatedCaseFeeShare),
  // S-3.3: the lead member's share of a group case's fee; empty: equal parts.
  RULE_GROUP_LEAD_FEE_SHARE: z.coerce.number().min(0).max(1).optional(),
  // S-4.5 per county centre: `KQ=0.8,ZJ=1` (agency code = coefficient); agencies not listed use the one above.
  RULE_SPECIAL_CASE_COEFFICIENTS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((pair) => pair.trim())
        .filter(Boolean)
        .map((pair) => pair.split('=').map((x) => x.trim()) as unknown),
    )
    .pipe(z.array(z.tuple([z.enum(AGENCY_CODES), z.coerce.number().min(0).max(5)])))
    .transform((pairs) => Object.fromEntries(pairs) as Partial<Record<string, number>>),

  HARDSHIP_STANDARD_ID: z.string().default(DEFAULT_RULE_CONFIG.hardshipStandard.id),
  HARDSHIP_STANDARD_MONTHLY_PER_CAPITA: z.coerce
    .number()
    .positive()
    .default(DEFAULT_RULE_CONFIG.hardshipStandard.monthlyIncomePerCapita),
  HARDSHIP_EXEMPT_GROUPS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean),
    ),

  // S-1.1: matters outside the statutory list that a law, regulation or rule excludes: `family,other` (default none).
  RULE_EXCLUDED_MATTERS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(NON_STATUTORY_MATTERS))),

  CREDIT_SERVICE_URL: optionalString.pipe(z.url().optional()),
  CREDIT_SERVICE_API_KEY: optionalString,
  SMTP_URL: optionalString,
  SMTP_FROM: z.string().default('绍兴市法律援助中心 <no-reply@legal-aid.local>'),
  SMS_GATEWAY_URL: optionalString.pipe(z.url().optional()),
  SMS_GATEWAY_API_KEY: optionalString,
});

export type Env = z.infer<typeof schema>;

/**
 * Express's `trust proxy` from TRUST_PROXY: empty or "false" trusts no proxy (the socket's address is the client's);
 * a number trusts that many hops; otherwise a comma-separated list of addresses, CIDR ranges or Express's names
 * (`loopback`, `linklocal`, `uniquelocal`). "true" (trust any sender) is refused: anyone could then name any address.
 */
export function trustProxySetting(value: string): false | number | string[] {
  const v = value.trim();
  if (v === '' || v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  if (v === 'true') throw new Error('TRUST_PROXY=true would trust any sender; name the proxies or the hop count');
  return v
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid configuration:\n${problems}`);
  }
  const env = parsed.data;
  if ((env.TEMPORAL_TLS_CERT_PATH === undefined) !== (env.TEMPORAL_TLS_KEY_PATH === undefined)) {
    throw new Error('invalid configuration:\n  TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together');
  }
  return env;
}

export function ruleConfig(env: Env): RuleConfig {
  return {
    correctionDays: env.RULE_CORRECTION_DAYS,
    reviewDays: env.RULE_REVIEW_DAYS,
    reminderDaysBefore: env.RULE_REMINDER_DAYS_BEFORE,
    reminderHourCst: env.RULE_REMINDER_HOUR,
    maxExtensionDays: env.RULE_MAX_EXTENSION_DAYS,
    reviewPausesForMaterials: env.RULE_REVIEW_PAUSES_FOR_MATERIALS,
    objectionWindowDays: env.RULE_OBJECTION_WINDOW_DAYS,
    objectionReviewDays: env.RULE_OBJECTION_REVIEW_DAYS,
    assignmentDays: env.RULE_ASSIGNMENT_DAYS,
    memberConfirmHours: env.RULE_MEMBER_CONFIRM_HOURS,
    poolReentryAfterImpact: env.RULE_POOL_REENTRY_AFTER_IMPACT,
    personsPerMember: env.RULE_PERSONS_PER_MEMBER,
    maxMembersPerCase: env.RULE_MAX_MEMBERS_PER_CASE,
    excellentThreshold: env.RULE_EXCELLENT_THRESHOLD,
    excellentWeight: env.RULE_EXCELLENT_WEIGHT,
    engagementDays: env.RULE_ENGAGEMENT_DAYS,
    closureReportDays: env.RULE_CLOSURE_REPORT_DAYS,
    closureReminderDaysBefore: DEFAULT_RULE_CONFIG.closureReminderDaysBefore,
    evaluationStepDays: env.RULE_EVALUATION_STEP_DAYS,
    evaluationObjectionDays: env.RULE_EVALUATION_OBJECTION_DAYS,
    spotCheckRate: env.RULE_SPOT_CHECK_RATE,
    interviewDays: env.RULE_INTERVIEW_DAYS,
    qualityTiers: DEFAULT_RULE_CONFIG.qualityTiers,
    removalThreshold: env.RULE_REMOVAL_THRESHOLD,
    specialCaseCoefficient: env.RULE_SPECIAL_CASE_COEFFICIENT,
    specialCaseCoefficients: env.RULE_SPECIAL_CASE_COEFFICIENTS,
    terminatedCaseFeeShare: env.RULE_TERMINATED_CASE_FEE_SHARE,
    ...(env.RULE_GROUP_LEAD_FEE_SHARE === undefined ? {} : { groupLeadFeeShare: env.RULE_GROUP_LEAD_FEE_SHARE }),
    hotline: {
      dayStartMinute: env.HOTLINE_DAY_START,
      dayEndMinute: env.HOTLINE_DAY_END,
      dayAnswerMinutes: env.HOTLINE_DAY_ANSWER_MINUTES,
      nightAnswerByMinute: env.HOTLINE_NIGHT_ANSWER_BY,
      claimHoldMinutes: env.HOTLINE_CLAIM_HOLD_MINUTES,
      callsPerDutyDay: env.DUTY_CALLS_PER_DAY,
      dutyChannels: env.DUTY_CHANNELS,
    },
    complaints: {
      ...DEFAULT_COMPLAINT_RULES,
      acceptWorkingDays: env.COMPLAINT_ACCEPT_WORKING_DAYS,
      handleDays: env.COMPLAINT_HANDLE_DAYS,
      maxExtensionDays: env.COMPLAINT_MAX_EXTENSION_DAYS,
      notifyWorkingDays: env.COMPLAINT_NOTIFY_WORKING_DAYS,
      responseWorkingDays: env.COMPLAINT_RESPONSE_WORKING_DAYS,
    },
    excludedMatters: env.RULE_EXCLUDED_MATTERS,
    hardshipStandard: {
      id: env.HARDSHIP_STANDARD_ID,
      monthlyIncomePerCapita: env.HARDSHIP_STANDARD_MONTHLY_PER_CAPITA,
      otherExemptGroups: env.HARDSHIP_EXEMPT_GROUPS,
    },
  };
}

/** The directories the process uses to find executables, for platform/temporal.ts. */
export function searchPath(source: NodeJS.ProcessEnv = process.env): string[] {
  return (source.PATH ?? '').split(':').filter(Boolean);
}
