import { useEffect, useState } from 'react';
import { CONTRACT, pathOf } from '../../../api/contract';
import { call, get, query } from '../api';
import { AGENCIES, CALL_OUTCOME_LABELS, CALL_STATUS_LABELS } from '../labels';
import { hasRole, mayCall, type Session } from '../session';
import { ActionForm, cst, ErrorBox, Loading, Section, useLoad } from '../ui';

interface CallRow {
  callId: string;
  agencyCode: string;
  channel: string;
  receivedAt: string;
  dueAt: string;
  status: string;
  claimedBy: string | null;
  answeredBy: string | null;
  breached: boolean;
}

function useNow(ms = 1000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

function remaining(dueAt: string, now: number): string {
  const left = new Date(dueAt).getTime() - now;
  const abs = Math.abs(left);
  const hours = Math.floor(abs / 3_600_000);
  const text = `${hours ? `${hours} 小时 ` : ''}${Math.floor((abs % 3_600_000) / 60_000)} 分 ${Math.floor((abs % 60_000) / 1000)} 秒`;
  return left >= 0 ? `剩余 ${text}` : `已超时 ${text}`;
}

/** S-2.4 the call queue (waiting first by deadline) with a live countdown; grab-order claim, answer, outcome (S-2.7). */
export function CallsPage({ session }: { session: Session }) {
  const [status, setStatus] = useState('');
  const [tick, setTick] = useState(0);
  const calls = useLoad(
    () => get<{ calls: CallRow[] }>(session, pathOf(CONTRACT.hotline.list) + query({ status, limit: 50 })),
    [session, status, tick],
  );
  const now = useNow();
  const [error, setError] = useState<unknown>(undefined);
  const officer = hasRole(session, 'hotline_officer');
  async function act(callId: string, step: 'claim' | 'answer') {
    setError(undefined);
    try {
      await call(session, 'POST', pathOf(CONTRACT.hotline[step], { callId }), {});
      setTick((t) => t + 1);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <Section title="12348 来电队列" testId="calls">
      <div className="filters">
        <label>
          <span>状态</span>
          <select name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">全部</option>
            {Object.entries(CALL_STATUS_LABELS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setTick((t) => t + 1)}>
          刷新
        </button>
      </div>
      {mayCall(session, CONTRACT.hotline.register) && (
        <ActionForm
          session={session}
          spec={{
            id: 'new-call',
            title: '登记来电（人工录入）',
            rule: 'S-2.4',
            path: pathOf(CONTRACT.hotline.register),
            idempotent: true,
            fields: [
              {
                name: 'agencyCode',
                label: '接听机构',
                kind: 'select',
                options: AGENCIES,
                initial: session.agency ?? '',
              },
              { name: 'channel', label: '渠道', kind: 'select', options: { phone: '12348 电话', online: '在线咨询' } },
            ],
          }}
          onDone={() => setTick((t) => t + 1)}
        />
      )}
      <Loading loading={calls.loading} />
      <ErrorBox error={calls.error} />
      <ErrorBox error={error} />
      <table>
        <thead>
          <tr>
            <th>来电</th>
            <th>渠道</th>
            <th>来电时间</th>
            <th>接听期限</th>
            <th>倒计时</th>
            <th>状态</th>
            <th>操作</th>
          </tr>
        </thead>
        <tbody>
          {(calls.data?.calls ?? []).map((c) => (
            <tr
              key={c.callId}
              className={
                new Date(c.dueAt).getTime() < now && c.status !== 'answered' && c.status !== 'closed' ? 'overdue' : ''
              }
            >
              <td>{c.callId}</td>
              <td>{c.channel === 'phone' ? '电话' : '网络'}</td>
              <td>{cst(c.receivedAt)}</td>
              <td>{cst(c.dueAt)}</td>
              <td data-testid="countdown">
                {c.status === 'waiting' || c.status === 'claimed' ? remaining(c.dueAt, now) : '—'}
              </td>
              <td>
                {CALL_STATUS_LABELS[c.status] ?? c.status}
                {c.claimedBy ? `（${c.claimedBy}）` : ''}
                {c.breached ? <span className="badge red">超时</span> : null}
              </td>
              <td>
                {officer && c.status === 'waiting' && (
                  <button type="button" onClick={() => void act(c.callId, 'claim')}>
                    抢单
                  </button>
                )}
                {officer && c.status === 'claimed' && c.claimedBy === session.userId && (
                  <button type="button" onClick={() => void act(c.callId, 'answer')}>
                    接听
                  </button>
                )}
                {officer && c.status === 'answered' && c.answeredBy === session.userId && (
                  <ActionForm
                    session={session}
                    spec={{
                      id: `outcome-${c.callId}`,
                      title: '登记处理结果（S-2.7）',
                      path: pathOf(CONTRACT.hotline.outcome, { callId: c.callId }),
                      fields: [
                        { name: 'kind', label: '结果', kind: 'select', options: CALL_OUTCOME_LABELS },
                        { name: 'note', label: '说明', kind: 'textarea' },
                        { name: 'referredTo', label: '告知的主管部门' },
                        { name: 'applicationNo', label: '转单的申请编号' },
                      ],
                    }}
                    onDone={() => setTick((t) => t + 1)}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
