import { useEffect, useState } from 'react';
import { ACCESS, type Role } from '../../../api/auth/access';
import { caseActions, type CaseAction } from '../actions';
import { CONTRACT, pathOf } from '../../../api/contract';
import { ApiFailure, call, get, query, type Json } from '../api';
import { TIERS } from '../../../domain/quality';
import {
  ASSIGNMENT_STATUS_LABELS,
  VERIFICATION_STATUS_LABELS,
  CHANNEL_LABELS,
  EVALUATION_STATUS_LABELS,
  MATERIALS,
  VERIFICATION_ROUTE_LABELS,
} from '../labels';
import { hasRole, mayCall, type Session } from '../session';
import { ActionForm, cst, ErrorBox, Loading, Section, useLoad, yuan } from '../ui';
import { HistorySection } from './history';
import { PhotoUpload } from './photos';
import { ScoringSheet } from './evaluations';

/** API answers, shown as read (the API validates them). */
type Any = Record<string, any>;

const GROUPS: Record<CaseAction['group'], string> = {
  intake: '受理与补正',
  review: '审查与决定',
  assignment: '指派',
  performance: '承办与结案',
  evaluation: '质量评估',
};

/** One case: record, live state, timeline (stages, decisions with rule ids, notices, pauses), ledger and actions. */
export function CasePage({ session, applicationNo }: { session: Session; applicationNo: string }) {
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((t) => t + 1);
  // Evaluators and experts read the evaluation only (S-4.4), not the case file.
  const evaluationOnly = !hasRole(session, ...CASE_READERS);
  const none = () => Promise.resolve(null as Any | null);
  const record = useLoad(
    evaluationOnly ? none : () => get<Any>(session, pathOf(CONTRACT.applications.read, { applicationNo })),
    [applicationNo, tick],
  );
  const state = useLoad(
    evaluationOnly ? none : () => get<Any>(session, pathOf(CONTRACT.applications.state, { applicationNo })),
    [applicationNo, tick],
  );
  const timeline = useLoad(
    evaluationOnly ? none : () => get<Any>(session, pathOf(CONTRACT.applications.timeline, { applicationNo })),
    [applicationNo, tick],
  );
  // Just filed: the workflow writes the record a moment later; read again until it is there.
  const notYet = record.error instanceof ApiFailure && record.error.code === 'APPLICATION_NOT_RECORDED_YET';
  useEffect(() => {
    if (!notYet) return;
    const t = setTimeout(refresh, 500);
    return () => clearTimeout(t);
  }, [notYet, record.error]);
  const stage: string | undefined = record.data?.stage;
  const agency: string | undefined = record.data?.agencyCode;
  const ledger = useLoad(
    async () => (agency ? get<Any>(null, pathOf(CONTRACT.public.rotation, { agencyCode: agency })) : null),
    [agency, tick],
  );
  const readsEvaluation = mayCall(session, CONTRACT.performance.evaluation);
  const evaluation = useLoad(
    async () =>
      readsEvaluation && (evaluationOnly || stage === 'evaluating' || stage === 'closed')
        ? get<Any>(session, pathOf(CONTRACT.performance.evaluation, { applicationNo }))
        : null,
    [applicationNo, stage, tick],
  );
  if (evaluationOnly) {
    return (
      <div data-testid="case-page">
        <Section title={`案件 ${applicationNo} 的质量评估`} testId="case-summary">
          <button type="button" onClick={refresh}>
            刷新
          </button>
          <ErrorBox error={evaluation.error} />
          {evaluation.data && (
            <EvaluationView session={session} applicationNo={applicationNo} data={evaluation.data} onDone={refresh} />
          )}
        </Section>
        {hasRole(session, 'expert') && evaluation.data?.status === 'expert_review' && (
          <ActionForm
            session={session}
            spec={caseActions(applicationNo).find((a) => a.id === 'expert-review')!}
            onDone={refresh}
          />
        )}
      </div>
    );
  }
  const readsPayouts = mayCall(session, CONTRACT.finance.listPayouts);
  const payouts = useLoad(
    async () =>
      readsPayouts && stage === 'closed'
        ? get<Any>(session, pathOf(CONTRACT.finance.listPayouts) + query({ applicationNo }))
        : null,
    [applicationNo, stage, tick],
  );

  const actions = caseActions(applicationNo).filter(
    (a) => a.roles.some((r: Role) => session.roles.includes(r)) && (!a.stages || !stage || a.stages.includes(stage)),
  );
  const r = record.data;
  const s = state.data;
  const caseLedger = ((ledger.data?.ledger ?? []) as Any[]).filter((e) => e.applicationNo === applicationNo);

  return (
    <div data-testid="case-page">
      <Section title={`案件 ${applicationNo}`} testId="case-summary">
        <button type="button" onClick={refresh}>
          刷新
        </button>
        <Loading loading={record.loading && !r} />
        <ErrorBox error={record.error} />
        {r && (
          <table>
            <tbody>
              <tr>
                <th>当前阶段</th>
                <td data-testid="stage">{r.stageLabel}</td>
                <th>进入时间</th>
                <td>{cst(r.stageEnteredAt)}</td>
              </tr>
              <tr>
                <th>受理渠道</th>
                <td>{CHANNEL_LABELS[r.channel as keyof typeof CHANNEL_LABELS] ?? r.channel}</td>
                <th>受理时间</th>
                <td>{cst(r.receivedAt)}</td>
              </tr>
              <tr>
                <th>申请人</th>
                <td>{r.applicant?.name}</td>
                <th>事项</th>
                <td>{r.matter?.summary}</td>
              </tr>
              <tr>
                <th>已交材料</th>
                <td data-testid="materials-supplied">
                  {(r.materials?.supplied ?? []).map((m: Any) => m.label ?? m.code ?? m).join('、') || '—'}
                </td>
                <th>尚缺材料</th>
                <td data-testid="materials-missing">
                  {(r.materials?.missing ?? []).map((m: Any) => m.label ?? m.code ?? m).join('、') || '无'}
                </td>
              </tr>
              <tr>
                <th>补正期限</th>
                <td>{cst(r.correctionDueAt)}</td>
                <th>审查期限（L-1）</th>
                <td>{r.review?.paused ? '已暂停（等待补正材料）' : cst(r.review?.dueAt)}</td>
              </tr>
              <tr>
                <th>决定</th>
                <td colSpan={3} data-testid="decision">
                  {r.decision
                    ? `${cst(r.decision.decidedAt)} ${r.decision.decidedBy}${r.decision.reason ? '：' + r.decision.reason : ''}${r.decision.late ? '（逾期）' : ''}`
                    : '—'}
                  {r.closedReason ? `；${r.closedReason}` : ''}
                </td>
              </tr>
            </tbody>
          </table>
        )}
      </Section>

      {s && (s.verification || s.assignment || s.performance) && (
        <Section title="办理状态" testId="case-state">
          {s.verification && (
            <div>
              <h4>
                经济状况核查（S-3.1）：{VERIFICATION_STATUS_LABELS[s.verification.status] ?? s.verification.status}
              </h4>
              <ul>
                {(s.verification.tasks ?? []).map((t: Any) => (
                  <li key={t.id}>
                    {t.id} {VERIFICATION_ROUTE_LABELS[t.route as keyof typeof VERIFICATION_ROUTE_LABELS] ?? t.route}{' '}
                    截止 {cst(t.dueAt)} {t.result ? (RESULT_LABELS[t.result] ?? t.result) : '待回复'}
                    {t.note ? `：${t.note}` : ''}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {s.assignment && (
            <div data-testid="assignment">
              <h4>
                指派（S-3.3）：{ASSIGNMENT_STATUS_LABELS[s.assignment.status] ?? s.assignment.status}；当日期限{' '}
                {cst(s.assignment.sameDayDueAt)}；法定期限 {cst(s.assignment.statutoryDueAt)}
              </h4>
              {s.assignment.needs && <p className="error">{s.assignment.needs}</p>}
              <table>
                <thead>
                  <tr>
                    <th>序号</th>
                    <th>机构</th>
                    <th>轮到的人员</th>
                    <th>规则</th>
                    <th>确认期限</th>
                    <th>确认人员</th>
                  </tr>
                </thead>
                <tbody>
                  {(s.assignment.slots ?? []).map((slot: Any) => (
                    <tr key={slot.ledgerSeq}>
                      <td data-testid="ledger-seq">{slot.ledgerSeq}</td>
                      <td>{slot.institutionName ?? slot.institutionId}</td>
                      <td data-testid="proposed-member">{slot.proposedMemberId}</td>
                      <td>{slot.rule}</td>
                      <td>{cst(slot.confirmDueAt)}</td>
                      <td>
                        {slot.memberId
                          ? `${slot.memberId}（${cst(slot.confirmedAt)}）`
                          : slot.releasedAt
                            ? `已释放：${slot.releaseReason}`
                            : '待确认'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {s.performance && (
            <p data-testid="performance">
              承办：签约 {s.performance.engagement?.signedOn ?? '未签'}；结案材料{' '}
              {s.performance.caseFile ? '已提交' : '未提交'}
            </p>
          )}
        </Section>
      )}

      {mayCall(session, CONTRACT.photos.upload) && (
        <PhotoUpload session={session} applicationNo={applicationNo} onDone={refresh} />
      )}

      {evaluation.data && (
        <Section title="质量评估（S-4.4）" testId="evaluation">
          <EvaluationView session={session} applicationNo={applicationNo} data={evaluation.data} onDone={refresh} />
        </Section>
      )}
      <ErrorBox error={evaluation.error} />

      {payouts.data && (
        <Section title="补助发放（S-4.5）" testId="payouts">
          <table>
            <thead>
              <tr>
                <th>类别</th>
                <th>人员</th>
                <th>档次</th>
                <th>系数</th>
                <th>基本劳务费</th>
                <th>金额</th>
              </tr>
            </thead>
            <tbody>
              {(payouts.data.lines as Any[]).map((l) => (
                <tr key={l.id}>
                  <td>{l.kindLabel}</td>
                  <td>{l.memberId}</td>
                  <td>{l.tierLabel ?? l.tier}</td>
                  <td>{l.coefficient}</td>
                  <td>{yuan(l.baseFeeCents)}</td>
                  <td>{yuan(l.amountCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p data-testid="payout-total">合计 {yuan(payouts.data.totalCents)}</p>
        </Section>
      )}

      {actions.length > 0 && (
        <Section title="办理操作" testId="actions">
          {(Object.keys(GROUPS) as CaseAction['group'][]).map((g) => {
            const list = actions.filter((a) => a.group === g);
            return list.length ? (
              <div key={g}>
                <h4>{GROUPS[g]}</h4>
                {list.map((a) => (
                  <ActionForm key={a.id} session={session} spec={a} onDone={refresh} />
                ))}
              </div>
            ) : null;
          })}
        </Section>
      )}

      <Section title="时间线" testId="timeline">
        <ErrorBox error={timeline.error} />
        <table>
          <thead>
            <tr>
              <th>时间</th>
              <th>类别</th>
              <th>内容</th>
              <th>依据</th>
            </tr>
          </thead>
          <tbody>
            {((timeline.data?.timeline ?? []) as Any[]).map((e, i) => (
              <tr key={i}>
                <td className="nowrap">{cst(e.at)}</td>
                <td>{e.kind === 'event' ? `阶段：${e.stageLabel}` : `通知（${e.recipient}）`}</td>
                <td>
                  {e.kind === 'event' ? [e.actor, e.note].filter(Boolean).join('：') : `${e.text}（${e.status}）`}
                </td>
                <td>
                  {(e.ruleIds ?? []).map((id: string) => (
                    <span key={id} className="rule">
                      {id}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      <HistorySection session={session} applicationNo={applicationNo} />

      <Section title="轮流指派记录（本案）" testId="case-ledger">
        <table>
          <thead>
            <tr>
              <th>序号</th>
              <th>时间</th>
              <th>轮到</th>
              <th>选定</th>
              <th>规则</th>
              <th>轮次</th>
              <th>跳过/说明</th>
            </tr>
          </thead>
          <tbody>
            {caseLedger.map((e) => (
              <tr key={e.seq}>
                <td>{e.seq}</td>
                <td>{cst(e.at)}</td>
                <td>{e.next}</td>
                <td>{e.chosen}</td>
                <td>{e.rule}</td>
                <td>{e.turn}</td>
                <td>
                  {Array.isArray(e.skipped)
                    ? e.skipped.map((k: Any) => `${k.memberId ?? ''} ${k.reason ?? ''}`).join('；')
                    : ''}
                  {e.reason ?? ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}

const RESULT_LABELS: Record<string, string> = { confirmed: '属实', refuted: '不属实', inconclusive: '无法确认' };

/** Who reads the case record: the API's own table (`application.read`). */
const CASE_READERS: readonly Role[] = ACCESS['application.read'];

function EvaluationView({
  session,
  applicationNo,
  data,
  onDone,
}: {
  session: Session;
  applicationNo: string;
  data: Any;
  onDone: () => void;
}) {
  return (
    <div>
      <p>
        状态：<span data-testid="evaluation-status">{EVALUATION_STATUS_LABELS[data.status] ?? data.status}</span>
        {data.dueAt && `；本步骤期限 ${cst(data.dueAt)}`}
        {data.evaluator && `；评估人员 ${data.evaluator.id}`}
      </p>
      {data.current && (
        <p data-testid="evaluation-result">
          得分 {data.current.score}，档次 {TIERS[data.current.tier as keyof typeof TIERS] ?? data.current.tier}，系数{' '}
          {data.current.coefficient}
        </p>
      )}
      {mayCall(session, CONTRACT.performance.submitScore) && data.status === 'scoring' && (
        <ScoringSheet session={session} applicationNo={applicationNo} kind={data.sheetKind} onDone={onDone} />
      )}
    </div>
  );
}

export async function supplyMaterial(session: Session, applicationNo: string, items: string[]): Promise<Json> {
  return call(session, 'POST', pathOf(CONTRACT.applications.supplyMaterials, { applicationNo }), { items });
}

export const materialOptions = MATERIALS;
