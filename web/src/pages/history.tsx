/**
 * 流程历史: the case's workflow history, decrypted by the API for the people who keep the case file (agency staff and
 * head, the city centre; api/auth/access.ts `application.history`). Loaded only when asked for: it reads Temporal.
 */
import { useState } from 'react';
import type { Role } from '../../../api/auth/access';
import { CONTRACT, pathOf } from '../../../api/contract';
import { get } from '../api';
import { HISTORY_EVENT_LABELS, OTHER_EVENT_LABEL } from '../labels';
import { hasRole, type Session } from '../session';
import { ErrorBox, Section } from '../ui';

/** Mirrors api/auth/access.ts `application.history` (the API still decides). */
export const HISTORY_READERS: Role[] = ['agency_staff', 'agency_head', 'city_centre'];

interface HistoryEvent {
  id: number;
  at: string;
  atCst: string;
  type: string;
  label?: string;
  name: string | null;
  nameLabel: string | null;
  data: Record<string, unknown> | null;
  decodeError?: string;
}
interface WorkflowHistory {
  kind: string;
  label: string;
  workflowId: string;
  events: HistoryEvent[];
  truncated: boolean;
}
interface HistoryAnswer {
  applicationNo: string;
  limit: number;
  workflows: WorkflowHistory[];
}

/** A line of the data's values (no field names), for the collapsed view. */
function digest(data: unknown, max = 80): string {
  const leaves: string[] = [];
  const walk = (v: unknown) => {
    if (leaves.join('，').length > max) return;
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object') Object.values(v as Record<string, unknown>).forEach(walk);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      if (String(v).trim()) leaves.push(String(v));
    }
  };
  walk(data);
  const text = leaves.join('，');
  return text.length > max ? `${text.slice(0, max)}…` : text || '无数据';
}

const labelOf = (e: HistoryEvent) => e.label || HISTORY_EVENT_LABELS[e.type] || OTHER_EVENT_LABEL;

export function HistorySection({ session, applicationNo }: { session: Session; applicationNo: string }) {
  const [answer, setAnswer] = useState<HistoryAnswer | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  if (!hasRole(session, ...HISTORY_READERS)) return null;

  async function load() {
    setBusy(true);
    setError(undefined);
    try {
      setAnswer(await get<HistoryAnswer>(session, pathOf(CONTRACT.history.history, { applicationNo })));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Section title="流程历史" testId="workflow-history">
      <p className="muted">
        流程中的每一步（启动、收到的办理操作、执行的活动、计时器等），数据已解密，仅供本机构办案人员查看。
      </p>
      <button type="button" onClick={() => void load()} disabled={busy}>
        {busy ? '加载中…' : answer ? '重新加载流程历史' : '查看流程历史'}
      </button>
      <ErrorBox error={error} />
      {answer?.workflows.map((w) => (
        <div key={w.kind} data-testid={`history-${w.kind}`}>
          <h4>
            {w.label}（{w.events.length} 个事件{w.truncated ? `，仅显示前 ${answer.limit} 个` : ''}）
          </h4>
          <table>
            <thead>
              <tr>
                <th>时间（北京时间）</th>
                <th>事件</th>
                <th>内容</th>
              </tr>
            </thead>
            <tbody>
              {w.events.map((e) => (
                <tr key={e.id} data-testid="history-event">
                  <td className="nowrap">{e.atCst}</td>
                  <td data-testid="history-label">{labelOf(e)}</td>
                  <td>
                    {e.decodeError ? (
                      <span className="error">{e.decodeError}</span>
                    ) : e.data ? (
                      <details>
                        <summary>摘要：{digest(e.data)}</summary>
                        <div className="muted">详细内容</div>
                        <pre className="history-data" tabIndex={0}>
                          {JSON.stringify(e.data, null, 2)}
                        </pre>
                      </details>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </Section>
  );
}
