/**
 * One complaint about legal aid (L-13, 法律援助投诉处理办法) from receipt to its notified result:
 *
 *   received --acceptComplaint--> handling --decideComplaint--> decided --notifyComplaintResult--> closed
 *   received --acceptComplaint(refused, with reasons)--> refused          (the complainant is told)
 *   received | handling --withdrawComplaint--> withdrawn
 *   handling: assignComplaintHandler, recordComplaintInvestigation, answerComplaint (the member or institution
 *   complained about), extendComplaint (once, at most 30 days, the approver and reason recorded)
 *
 * Clocks (domain/complaints.ts): acceptance 5 working days, handling 60 days (+30 once), the result told within 5
 * working days of the decision; each with a reminder before its last day and an escalation to the justice bureau when
 * it passes (the step stays possible, recorded late). A substantiated complaint's suspension (S-2.8(b)) is the pool's
 * own action, and its impact timer the pool's own workflow. An anonymous complaint has nobody to tell: it closes with
 * the decision, and the complainant follows it by its lookup code.
 */
import { setHandler } from '@temporalio/workflow';
import { calendarChanged, getComplaint, type ComplaintInput, type ComplaintState } from '../domain/definitions';
import { cstYearOf } from '../domain/time';
import { records } from './case/context';
import { Complaint } from './complaint/complaint';
import { registerSteps } from './complaint/steps';

/** Never rename: the workflow type name is persisted. */
export async function complaintWorkflow(input: ComplaintInput): Promise<ComplaintState> {
  const complaint = new Complaint(input);
  const fromYear = cstYearOf(new Date(input.receivedAt));
  setHandler(getComplaint, () => complaint.state);
  // A changed calendar counts the deadlines still to come (one already running keeps its day).
  setHandler(calendarChanged, async () => {
    complaint.calendar = await records.holidayCalendar({ fromYear });
  });
  registerSteps(complaint);
  // Civil Code art. 203, L-13 工作日: counted with the holiday calendar in force (fetched, so replay sees it).
  complaint.open(await records.holidayCalendar({ fromYear }));
  return complaint.run();
}
