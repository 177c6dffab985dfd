/**
 * Intake and eligibility (受理与经济困难审查): the state a case starts with, decided by the pure rules of `domain/`
 * (S-1.x, L-4, L-8 eligibility; L-14 and the channel's checks; S-3.2 / L-7 grounds to accept first), and what its
 * first write stores. No I/O: the recorder writes it with the first stage.
 */
import type { CaseOpening } from '../../activities/application-records';
import type { ApplicationInput, ApplicationState } from '../../domain/definitions';
import { ageOn, birthDateFromIdNumber, decideEligibility } from '../../domain/eligibility';
import { acceptedFirstGrounds, intakeChecks } from '../../domain/intake';
import { COMMON_CORE, missingMaterials } from '../../domain/materials';
import type { Calendar } from '../../domain/calendar';
import { endOfDayPeriod } from '../../domain/deadlines';
import { cstDateOf } from '../../domain/time';
import { homeVisitNote, homeVisitReasons } from '../../domain/village';

export function openCase(input: ApplicationInput): { state: ApplicationState; opening: CaseOpening } {
  const receivedAt = new Date(input.receivedAt);
  // L-4: a notification case has no application: no materials are owed, and nothing is declared or tested.
  const notification = input.channel === 'notification';
  const state: ApplicationState = {
    applicationNo: input.applicationNo,
    agencyCode: input.agencyCode,
    channel: input.channel,
    stage: 'received',
    stageEnteredAt: input.receivedAt,
    seq: 1,
    materialsSupplied: [...new Set(input.materialsSupplied)],
    materialsMissing: notification
      ? []
      : missingMaterials(input.materialsSupplied, input.materialsRequired ?? COMMON_CORE),
  };
  const eligibility = decideEligibility(
    {
      ...input.eligibilityClaims,
      applicationDate: cstDateOf(receivedAt),
      birthDate: input.applicant.idNumber ? birthDateFromIdNumber(input.applicant.idNumber) : undefined,
      notification,
      matterCategory: input.matter.category,
      documentsSeen: input.eligibilityClaims?.documentsSeen ?? [],
      householdSize: input.economicSituation?.householdSize ?? 1,
      monthlyHouseholdIncome: input.economicSituation?.monthlyHouseholdIncome ?? 0,
    },
    input.rules.hardshipStandard,
    input.rules.excludedMatters,
  );
  // S-3.1: a statement to be verified opens the verification.
  if (eligibility.outcome.kind === 'verify') state.verification = { status: 'pending', tasks: [] };
  state.eligibility = {
    kind: eligibility.outcome.kind,
    ruleIds: eligibility.outcome.ruleIds,
    anyMatter: eligibility.anyMatter,
  };
  const checks = intakeChecks(input.intake, receivedAt);
  // S-2.3: elderly applicants and those with limited mobility are advised a home visit (not a notification case:
  // the organ's letter brings no applicant to visit).
  const birthDate = input.applicant.idNumber ? birthDateFromIdNumber(input.applicant.idNumber) : undefined;
  const homeVisit = notification
    ? undefined
    : homeVisitNote(
        homeVisitReasons({
          ...input.eligibilityClaims,
          age: birthDate ? ageOn(birthDate, cstDateOf(receivedAt)) : undefined,
        }),
      );
  if (homeVisit) checks.push({ ruleId: 'S-2.3', ok: true, note: homeVisit });
  const acceptedFirst = acceptedFirstGrounds({
    applicationDate: cstDateOf(receivedAt),
    matterCategory: input.matter.category,
    migrantWorker: input.eligibilityClaims?.migrantWorker,
    details: input.intake,
  });
  if (acceptedFirst.length > 0) state.acceptedFirst = acceptedFirst;
  return {
    state,
    opening: { input, state: JSON.parse(JSON.stringify(state)) as ApplicationState, eligibility, checks },
  };
}

/**
 * The deadlines that run from receipt, once the holiday calendar is there (Civil Code art. 203): L-1's review clock
 * (none for a notification case, which is not reviewed: its clock is the assignment's, L-4).
 * Sets them on the state and on the intake event's snapshot, which is stored with the first stage.
 */
export function countOpeningDeadlines(state: ApplicationState, opening: CaseOpening, calendar: Calendar): void {
  if (state.channel !== 'notification') {
    state.reviewDueAt = endOfDayPeriod(
      new Date(state.stageEnteredAt),
      opening.input.rules.reviewDays,
      calendar,
    ).toISOString();
  }
  state.calendarVersion = calendar.version;
  opening.state = JSON.parse(JSON.stringify(state)) as ApplicationState;
}
