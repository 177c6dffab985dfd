import { useState } from 'react';
import { CONTRACT, pathOf } from '../../../api/contract';
import { call, get, query } from '../api';
import { EVALUATION_STATUS_LABELS } from '../labels';
import { hasRole, type Session } from '../session';
import { cst, ErrorBox, Loading, Section, useLoad } from '../ui';

/** API answers, shown as read (the API validates them). */
type Any = Record<string, any>;

/** Evaluators: their cases to score; experts: the re-review queue (excellent and unqualified results, S-4.4). */
export function EvaluationsPage({ session }: { session: Session }) {
  const expert = hasRole(session, 'expert') && !hasRole(session, 'evaluator');
  const [status, setStatus] = useState(expert ? 'expert_review' : '');
  const list = useLoad(
    () => get<Any>(session, pathOf(CONTRACT.quality.listEvaluations) + query({ status, limit: 50 })),
    [session, status],
  );
  return (
    <Section title={expert ? '专家复核队列' : '评估队列'} testId="evaluations">
      <div className="filters">
        <label>
          <span>状态</span>
          <select name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">全部</option>
            {Object.entries(EVALUATION_STATUS_LABELS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={list.reload}>
          刷新
        </button>
      </div>
      <Loading loading={list.loading} />
      <ErrorBox error={list.error} />
      <table>
        <thead>
          <tr>
            <th>申请编号</th>
            <th>状态</th>
            <th>承办人员</th>
            <th>得分</th>
            <th>档次</th>
            <th>本步期限</th>
          </tr>
        </thead>
        <tbody>
          {((list.data?.evaluations ?? list.data?.items ?? []) as Any[]).map((e) => (
            <tr key={e.applicationNo}>
              <td>
                <a href={`#/case/${e.applicationNo}`}>{e.applicationNo}</a>
              </td>
              <td>{EVALUATION_STATUS_LABELS[e.status] ?? e.status}</td>
              <td>{e.memberId}</td>
              <td>{e.score ?? '—'}</td>
              <td>{e.tierLabel ?? e.tier ?? '—'}</td>
              <td>{cst(e.state?.dueAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

/** S-4.4 the scoring sheet in force today for the case's kind: one number per item; the API computes the score. */
export function ScoringSheet({
  session,
  applicationNo,
  kind,
  onDone,
}: {
  session: Session;
  applicationNo: string;
  kind: string;
  onDone: () => void;
}) {
  const today = cst(new Date().toISOString()).slice(0, 10);
  const sheets = useLoad(
    () => get<Any>(session, pathOf(CONTRACT.quality.listSheets) + query({ kind, on: today })),
    [kind, today],
  );
  const sheet: Any | undefined = (sheets.data?.sheets ?? [])[0];
  const [points, setPoints] = useState<Record<string, string>>({});
  const [comments, setComments] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState(false);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      await call(session, 'POST', pathOf(CONTRACT.performance.submitScore, { applicationNo }), {
        points: Object.fromEntries(
          Object.entries(points)
            .filter(([, v]) => v !== '')
            .map(([k, v]) => [k, Number(v)]),
        ),
        comments,
      });
      setDone(true);
      onDone();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form className="action" data-testid="scoring-sheet" onSubmit={(e) => void submit(e)}>
      <h4>
        评分表 {sheet ? `${sheet.title}（第 ${sheet.version} 版）` : ''} <span className="rule">S-4.4</span>
      </h4>
      <Loading loading={sheets.loading} />
      <ErrorBox error={sheets.error} />
      {((sheet?.items ?? []) as Any[]).map((item) => (
        <label key={item.code}>
          <span>
            {item.label}（满分 {item.max}）
          </span>
          <input
            type="number"
            name={`points.${item.code}`}
            value={points[item.code] ?? ''}
            onChange={(e) => setPoints((p) => ({ ...p, [item.code]: e.target.value }))}
          />
        </label>
      ))}
      <label>
        <span>评语</span>
        <textarea name="comments" value={comments} onChange={(e) => setComments(e.target.value)} />
      </label>
      {/* Enabled once the sheet's items are shown: a score without them cannot count. */}
      <button type="submit" disabled={!sheet || done}>
        提交评分
      </button>
      {done && <span className="ok">已提交</span>}
      <ErrorBox error={error} />
    </form>
  );
}
