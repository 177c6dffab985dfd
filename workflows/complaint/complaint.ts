/**
 * One complaint (L-13) as an entity: its state, the one recorder of its stored record, and the clocks of the step it
 * is at (a reminder before the last day, the escalation to the justice bureau when the deadline passes). Staff steps
 * (./steps.ts) act on it; the workflow function only builds it.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { WEEKENDS_ONLY, type Calendar } from '../../domain/calendar';
import {
  acceptancePeriod,
  complaintEnded,
  COMPLAINT_STATUSES,
  DEFAULT_COMPLAINT_RULES,
  type ComplaintRules,
} from '../../domain/complaints';
import { deadlineText } from '../../domain/deadlines';
import type { ComplaintInput, ComplaintState } from '../../domain/definitions';
import { notice, records } from '../case/context';
import { Attention, withoutControlCharacters } from '../support/attention';
import { ladder, runClocks, type Clock } from '../support/clocks';
import { Recorder, type Notice } from '../support/recorder';
import { settle, StepRunner } from '../support/steps';

export const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The three statutory clocks, by the status they run in. */
const CLOCKS = {
  received: { key: 'accept', label: '受理投诉', due: (s: ComplaintState) => s.acceptDueAt },
  handling: { key: 'handling', label: '办结投诉', due: (s: ComplaintState) => s.dueAt },
  decided: { key: 'notify', label: '告知投诉处理结果', due: (s: ComplaintState) => s.notifyDueAt },
} as const;

export class Complaint {
  readonly state: ComplaintState;
  readonly rules: ComplaintRules;
  readonly steps = new StepRunner((answer) => this.recorder.answer(answer));
  readonly attention: Attention;
  private readonly recorder: Recorder<never, ComplaintState>;
  calendar: Calendar = WEEKENDS_ONLY;

  constructor(readonly input: ComplaintInput) {
    this.rules = { ...DEFAULT_COMPLAINT_RULES, ...input.rules };
    const { complaintId, agencyCode, receivedAt, anonymous, respondent, ground, applicationNo } = input;
    this.state = {
      ...{ complaintId, agencyCode, receivedAt, anonymous, respondent, ground },
      ...(applicationNo ? { applicationNo } : {}),
      status: 'received',
      statusSince: receivedAt,
      seq: 0,
      acceptDueAt: receivedAt,
      investigation: [],
      escalations: [],
    };
    this.attention = new Attention({
      caseKind: 'complaint',
      caseNo: complaintId,
      agencyCode,
      onChange: (a) => (this.state.attention = a),
      flag: (args) => acts.flagAttention(args),
      clear: (args) => acts.clearAttention(args),
    });
    this.recorder = new Recorder({
      caseNo: complaintId,
      snapshot: () => JSON.parse(JSON.stringify(this.state)) as ComplaintState,
      write: (batch, clean) => {
        const { state, notices, answers } = clean ? withoutControlCharacters(batch) : batch;
        return records.recordComplaint({ state, notices, answers });
      },
      deliver: (ids) => acts.deliverNotices({ ids }),
      attention: this.attention,
    });
  }

  /** L-13: the acceptance clock starts with the receipt, counted in working days with the calendar in force. */
  open(calendar: Calendar): void {
    this.calendar = calendar;
    this.state.calendarVersion = calendar.version;
    this.state.acceptDueAt = acceptancePeriod(
      new Date(this.input.receivedAt),
      calendar,
      this.rules,
    ).dueAt.toISOString();
    void this.save();
  }

  /** Who handles: the agency, or the justice bureau for a complaint about the agency itself (inbox recipient). */
  get body(): string {
    return this.state.respondent.kind === 'agency'
      ? `justice_bureau:${this.state.agencyCode}`
      : `agency:${this.state.agencyCode}`;
  }

  /** Where an overdue clock goes: the justice bureau; for a complaint it handles itself, the city's. */
  get escalateTo(): string {
    return this.state.respondent.kind === 'agency' ? 'justice_bureau:SX' : `justice_bureau:${this.state.agencyCode}`;
  }

  /** The complainant's inbox (they read it with the lookup code); nobody for an anonymous complaint. */
  toComplainant(key: string, template: string, body: string): Notice[] {
    if (this.state.anonymous) return [];
    return [notice(key, template, body, `complainant:${this.state.complaintId}`)];
  }

  /** Moves the status (the step has checked it may). */
  move(to: ComplaintState['status']): void {
    this.state.status = to;
    this.state.statusSince = new Date().toISOString();
  }

  /** Stores the state, one `seq` higher (a late write never overwrites a newer one), with the notices of the change. */
  save(...notices: Notice[]): Promise<void> {
    this.state.seq += 1;
    void this.recorder.record(undefined, notices);
    return Promise.resolve();
  }

  async run(): Promise<ComplaintState> {
    void this.steps.serve();
    await runClocks({
      hold: (part) => this.steps.hold(part),
      done: () => complaintEnded(this.state.status) && this.steps.idle,
      clocks: () => this.clocks(),
      version: () => this.state.seq,
    });
    await settle(this.steps, this.recorder);
    return this.state;
  }

  /** The clock of the current status: reminders before its last day, the escalation when it passes (once each). */
  private clocks(): Clock[] {
    const s = this.state;
    if (!(s.status in CLOCKS)) return [];
    const c = CLOCKS[s.status as keyof typeof CLOCKS];
    const due = c.due(s);
    if (!due) return [];
    const dueAt = new Date(due);
    const prefix = `complaint-${c.key}`;
    const { reminderDaysBefore, reminderHourCst } = this.rules;
    const reminders = ladder(prefix, dueAt, reminderDaysBefore, reminderHourCst, (key) =>
      this.save(
        notice(
          key,
          'complaint_reminder',
          `【投诉期限提醒】投诉 ${s.complaintId} ${c.label}的期限将至，${deadlineText(dueAt)}办理（L-13）。`,
          this.body,
        ),
      ),
    );
    const overdueKey = `${prefix}-overdue-${due}`;
    if (s.escalations.includes(overdueKey)) return reminders;
    const escalation: Clock = {
      key: overdueKey,
      at: dueAt.getTime(),
      fire: () => {
        s.escalations.push(overdueKey);
        return this.save(
          notice(
            overdueKey,
            'complaint_overdue',
            `【投诉超期】投诉 ${s.complaintId} 未在期限内${c.label}（L-13），当前状态：${COMPLAINT_STATUSES[s.status]}，请督办。`,
            this.escalateTo,
          ),
        );
      },
    };
    return [...reminders, escalation];
  }
}
