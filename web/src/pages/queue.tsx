import { useState } from 'react';
import { CONTRACT, pathOf } from '../../../api/contract';
import { get, query } from '../api';
import { AGENCIES, CHANNEL_LABELS, STAGES } from '../labels';
import type { Session } from '../session';
import { cst, ErrorBox, Loading, Section, useLoad } from '../ui';

interface Row {
  applicationNo: string;
  agencyCode: string;
  channel: keyof typeof CHANNEL_LABELS;
  stage: string;
  stageLabel: string;
  stageEnteredAt: string;
  receivedAt: string;
  correctionDueAt: string | null;
  reviewDueAt: string | null;
  reviewRemainingMs: number | null;
}

/** The cases the person may read (the API's scope), filtered by stage and agency. */
export function QueuePage({ session, stage: fixedStage }: { session: Session; stage?: string }) {
  const [stage, setStage] = useState(fixedStage ?? '');
  const [agencyCode, setAgency] = useState('');
  const [after, setAfter] = useState<string | undefined>(undefined);
  const { data, error, loading, reload } = useLoad(
    () =>
      get<{ applications: Row[]; next: string | null }>(
        session,
        pathOf(CONTRACT.applications.list) + query({ stage, agencyCode, after, limit: 50 }),
      ),
    [session, stage, agencyCode, after],
  );
  const [open, setOpen] = useState('');
  return (
    <Section title={fixedStage ? '待审查的结案材料' : '工作队列'} testId="queue">
      <div className="filters">
        {!fixedStage && (
          <label>
            <span>阶段</span>
            <select name="stage" value={stage} onChange={(e) => setStage(e.target.value)}>
              <option value="">全部</option>
              {Object.entries(STAGES).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          <span>机构</span>
          <select name="agencyCode" value={agencyCode} onChange={(e) => setAgency(e.target.value)}>
            <option value="">全部</option>
            {Object.entries(AGENCIES).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={reload}>
          刷新
        </button>
        <label>
          <span>打开案件</span>
          <input name="open" value={open} onChange={(e) => setOpen(e.target.value)} placeholder="KQ-2026-000001" />
        </label>
        <button type="button" onClick={() => (window.location.hash = `#/case/${open.trim()}`)}>
          打开
        </button>
      </div>
      <Loading loading={loading} />
      <ErrorBox error={error} />
      {data && (
        <table>
          <thead>
            <tr>
              <th>申请编号</th>
              <th>机构</th>
              <th>渠道</th>
              <th>阶段</th>
              <th>进入阶段</th>
              <th>补正期限</th>
              <th>审查期限</th>
            </tr>
          </thead>
          <tbody>
            {data.applications.map((r) => (
              <tr key={r.applicationNo}>
                <td>
                  <a href={`#/case/${r.applicationNo}`}>{r.applicationNo}</a>
                </td>
                <td>{r.agencyCode}</td>
                <td>{CHANNEL_LABELS[r.channel] ?? r.channel}</td>
                <td>{r.stageLabel}</td>
                <td>{cst(r.stageEnteredAt)}</td>
                <td>{cst(r.correctionDueAt)}</td>
                <td>{r.reviewRemainingMs !== null ? '已暂停（待补材料）' : cst(r.reviewDueAt)}</td>
              </tr>
            ))}
            {data.applications.length === 0 && (
              <tr>
                <td colSpan={7} className="muted">
                  没有案件
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {data?.next && (
        <button type="button" onClick={() => setAfter(data.next ?? undefined)}>
          下一页
        </button>
      )}
    </Section>
  );
}
