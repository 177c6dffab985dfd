import { useState } from 'react';
import { CONTRACT, pathOf } from '../../../api/contract';
import { get, query } from '../api';
import { OBLIGATION_KINDS, OWNER_ROLES } from '../../../domain/obligations';
import { TIERS } from '../../../domain/quality';
import { AGENCIES, CHANNEL_LABELS, STAGES } from '../labels';
import type { Session } from '../session';
import { cst, ErrorBox, Loading, percent, Section, useLoad, yuan } from '../ui';

/** API answers, shown as read (the API validates them). */
type Any = Record<string, any>;

const agencyOptions = Object.entries(AGENCIES).map(([k, v]) => (
  <option key={k} value={k}>
    {v}
  </option>
));

/** Issue 8's stuck-case board: cases waiting on someone, most overdue first, with the counts per stage and agency. */
export function StuckBoard({ session }: { session: Session }) {
  const [f, setF] = useState<Record<string, string>>({ view: 'overdue' });
  const [offset, setOffset] = useState(0);
  const set = (name: string) => (e: { target: { value: string } }) => {
    setOffset(0);
    setF((x) => ({ ...x, [name]: e.target.value }));
  };
  const list = useLoad(
    () => get<Any>(session, pathOf(CONTRACT.stuck.stuck) + query({ ...f, limit: 50, offset })),
    [session, f, offset],
  );
  const counts = useLoad(
    () => get<Any>(session, pathOf(CONTRACT.stuck.stuckCounts) + query({ agencyCode: f.agencyCode })),
    [session, f.agencyCode],
  );
  const items = (list.data?.items ?? []) as Any[];
  return (
    <div>
      <Section title="滞留案件看板" testId="stuck-board">
        <div className="filters">
          <label>
            <span>视图</span>
            <select name="view" value={f.view} onChange={set('view')}>
              <option value="overdue">已超期</option>
              <option value="due_soon">即将到期</option>
              <option value="waiting">久未推进</option>
              <option value="open">全部在办</option>
            </select>
          </label>
          {f.view === 'due_soon' && (
            <label>
              <span>小时内到期</span>
              <input name="withinHours" type="number" value={f.withinHours ?? '24'} onChange={set('withinHours')} />
            </label>
          )}
          {f.view === 'waiting' && (
            <label>
              <span>超过天数</span>
              <input
                name="olderThanDays"
                type="number"
                value={f.olderThanDays ?? '7'}
                onChange={set('olderThanDays')}
              />
            </label>
          )}
          <label>
            <span>机构</span>
            <select name="agencyCode" value={f.agencyCode ?? ''} onChange={set('agencyCode')}>
              <option value="">全部</option>
              {agencyOptions}
            </select>
          </label>
          <label>
            <span>阶段</span>
            <select name="stage" value={f.stage ?? ''} onChange={set('stage')}>
              <option value="">全部</option>
              {Object.entries(STAGES).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>渠道</span>
            <select name="channel" value={f.channel ?? ''} onChange={set('channel')}>
              <option value="">全部</option>
              {Object.entries(CHANNEL_LABELS).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>待办事项</span>
            <select name="kind" value={f.kind ?? ''} onChange={set('kind')}>
              <option value="">全部</option>
              {Object.entries(OBLIGATION_KINDS).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>待办方</span>
            <select name="ownerRole" value={f.ownerRole ?? ''} onChange={set('ownerRole')}>
              <option value="">全部</option>
              {Object.entries(OWNER_ROLES).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>待办人编号</span>
            <input name="ownerId" value={f.ownerId ?? ''} onChange={set('ownerId')} />
          </label>
          <label>
            <span>服务机构</span>
            <input name="institutionId" value={f.institutionId ?? ''} onChange={set('institutionId')} />
          </label>
          <label>
            <span>人员</span>
            <input name="memberId" value={f.memberId ?? ''} onChange={set('memberId')} />
          </label>
          <button type="button" onClick={list.reload}>
            刷新
          </button>
        </div>
        <Loading loading={list.loading} />
        <ErrorBox error={list.error} />
        {list.data && <p data-testid="stuck-total">共 {list.data.total} 件</p>}
        <table>
          <thead>
            <tr>
              <th>申请编号</th>
              <th>机构</th>
              <th>阶段</th>
              <th>待办事项</th>
              <th>待办人</th>
              <th>期限</th>
              <th>超期</th>
              <th>等待天数</th>
              <th>依据</th>
            </tr>
          </thead>
          <tbody data-testid="stuck-rows">
            {items.map((it, i) => (
              <tr key={`${it.applicationNo}-${it.kind}-${i}`} className={it.overdue ? 'overdue' : ''}>
                <td>
                  <a href={`#/case/${it.applicationNo}`}>{it.applicationNo}</a>
                </td>
                <td>{it.agencyCode}</td>
                <td>{it.stageLabel ?? it.stage}</td>
                <td>{it.kindLabel ?? it.kind}</td>
                <td>
                  {it.ownerRoleLabel ?? it.ownerRole}
                  {it.ownerId ? ` ${it.ownerId}` : ''}
                </td>
                <td>
                  {cst(it.dueAt)}
                  {it.dueMoved ? <span className="moved">（{it.dueMoved}）</span> : null}
                </td>
                <td>{it.overdue ? <span className="badge red">超期 {formatMinutes(it.overdueMinutes)}</span> : '—'}</td>
                <td>{it.waitingDays}</td>
                <td>
                  <span className="rule">{it.ruleId}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div>
          {offset > 0 && (
            <button type="button" onClick={() => setOffset(Math.max(0, offset - 50))}>
              上一页
            </button>
          )}
          {list.data && offset + 50 < list.data.total && (
            <button type="button" onClick={() => setOffset(offset + 50)}>
              下一页
            </button>
          )}
        </div>
      </Section>
      <Section title="按阶段 / 机构统计" testId="stuck-counts">
        <ErrorBox error={counts.error} />
        <div className="grid">
          <Bars
            rows={((counts.data?.byStage ?? []) as Any[]).map((s) => ({
              name: s.stageLabel ?? s.stage,
              value: s.open,
              bad: s.overdue,
            }))}
          />
          <Bars
            rows={((counts.data?.byAgency ?? []) as Any[]).map((s) => ({
              name: AGENCIES[s.agencyCode as keyof typeof AGENCIES] ?? s.agencyCode,
              value: s.open,
              bad: s.overdue,
            }))}
          />
        </div>
      </Section>
    </div>
  );
}

function formatMinutes(m: unknown): string {
  if (typeof m !== 'number') return '';
  if (m >= 1440) return `${Math.floor(m / 1440)} 天`;
  if (m >= 60) return `${Math.floor(m / 60)} 小时`;
  return `${m} 分钟`;
}

/** A bar chart in plain elements: open (blue) with the overdue part (red). */
function Bars({ rows, unit = '件' }: { rows: Array<{ name: string; value: number; bad?: number }>; unit?: string }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return (
    <div>
      {rows.map((r) => (
        <div key={r.name} className="bar">
          <span className="name">{r.name}</span>
          <span className="track">
            <span className="fill" style={{ width: `${(r.value / max) * 100}%`, position: 'absolute', left: 0 }} />
            {r.bad ? (
              <span className="fill bad" style={{ width: `${(r.bad / max) * 100}%`, position: 'absolute', left: 0 }} />
            ) : null}
          </span>
          <span>
            {r.value} {unit}
            {r.bad ? `（超期 ${r.bad}）` : ''}
          </span>
        </div>
      ))}
      {rows.length === 0 && <p className="muted">暂无数据</p>}
    </div>
  );
}

/** A share bar (0..1) per agency. */
function Shares({ rows }: { rows: Array<{ name: string; share: number | null; met: number; total: number }> }) {
  return (
    <div>
      {rows.map((r) => (
        <div key={r.name} className="bar">
          <span className="name">{r.name}</span>
          <span className="track">
            <span
              className={`fill ${r.share !== null && r.share < 0.9 ? 'bad' : ''}`}
              style={{ width: `${(r.share ?? 0) * 100}%` }}
            />
          </span>
          <span>
            {percent(r.share)}（{r.met}/{r.total}）
          </span>
        </div>
      ))}
    </div>
  );
}

const SLA_LABELS: Record<string, string> = {
  assignmentSameDay: '当日指派（S-3.3）',
  reviewWithin7Days: '7 日内审查决定（L-1）',
  hotlineAnswered: '热线按时接听（S-2.4）',
  evaluationsCompleted: '评估完成（S-4.4）',
};

/** Issue 8's SLA figures and workload per member, as charts. */
export function FiguresPage({ session }: { session: Session }) {
  const today = cst(new Date().toISOString()).slice(0, 10);
  const [agencyCode, setAgency] = useState('');
  const [from, setFrom] = useState(`${today.slice(0, 4)}-01-01`);
  const [to, setTo] = useState(today);
  const sla = useLoad(
    () => get<Any>(session, pathOf(CONTRACT.stuck.sla) + query({ agencyCode, from, to })),
    [session, agencyCode, from, to],
  );
  const workload = useLoad(
    () => get<Any>(session, pathOf(CONTRACT.stuck.workload) + query({ agencyCode })),
    [session, agencyCode],
  );
  const agencies = (sla.data?.agencies ?? []) as Any[];
  const name = (code: string) => AGENCIES[code as keyof typeof AGENCIES] ?? code;
  return (
    <div>
      <Section title="时效达标情况" testId="sla">
        <div className="filters">
          <label>
            <span>机构</span>
            <select name="agencyCode" value={agencyCode} onChange={(e) => setAgency(e.target.value)}>
              <option value="">全部</option>
              {agencyOptions}
            </select>
          </label>
          <label>
            <span>自</span>
            <input type="date" name="from" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label>
            <span>至</span>
            <input type="date" name="to" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
        </div>
        <Loading loading={sla.loading} />
        <ErrorBox error={sla.error} />
        <div className="grid">
          {Object.entries(SLA_LABELS).map(([key, label]) => (
            <div key={key}>
              <h4>{label}</h4>
              <Shares
                rows={agencies.map((a) => ({
                  name: name(a.agencyCode),
                  share: a[key]?.share ?? null,
                  met: a[key]?.met ?? 0,
                  total: a[key]?.total ?? 0,
                }))}
              />
            </div>
          ))}
          <div>
            <h4>按质计酬（S-4.5）</h4>
            <table>
              <thead>
                <tr>
                  <th>机构</th>
                  <th>档次</th>
                  <th>案件</th>
                  <th>金额</th>
                </tr>
              </thead>
              <tbody>
                {agencies.flatMap((a) =>
                  ((a.payoutsByTier ?? []) as Any[]).map((t) => (
                    <tr key={`${a.agencyCode}-${t.tier}`}>
                      <td>{name(a.agencyCode)}</td>
                      <td>{TIERS[t.tier as keyof typeof TIERS] ?? t.tier}</td>
                      <td>{t.cases}</td>
                      <td>{yuan(t.amountCents)}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </div>
        </div>
      </Section>
      <Section title="人员工作量" testId="workload">
        <ErrorBox error={workload.error} />
        <Bars
          rows={((workload.data?.members ?? []) as Any[]).map((m) => ({
            name: `${m.memberId}（${m.institutionId}）`,
            value: m.openCases,
            bad: m.overdueObligations,
          }))}
        />
      </Section>
    </div>
  );
}

/** S-2.9 the published rotation order and its ledger; S-4.6 the published evaluation results. */
export function PublishedPage({ session }: { session: Session }) {
  const [agencyCode, setAgency] = useState(session.agency && session.agency !== 'SX' ? session.agency : 'KQ');
  const year = cst(new Date().toISOString()).slice(0, 4);
  const rotation = useLoad(() => get<Any>(null, pathOf(CONTRACT.public.rotation, { agencyCode })), [agencyCode]);
  const results = useLoad(
    () => get<Any>(null, pathOf(CONTRACT.public.results, { agencyCode }) + query({ year })),
    [agencyCode, year],
  );
  return (
    <div>
      <Section title="轮流指派顺序（S-2.9）" testId="rotation">
        <label>
          <span>机构</span>
          <select name="agencyCode" value={agencyCode} onChange={(e) => setAgency(e.target.value)}>
            {agencyOptions}
          </select>
        </label>
        <ErrorBox error={rotation.error} />
        <div className="grid">
          <table>
            <thead>
              <tr>
                <th>顺位</th>
                <th>人员</th>
                <th>机构</th>
                <th>状态</th>
                <th>已用轮次</th>
              </tr>
            </thead>
            <tbody>
              {((rotation.data?.order ?? []) as Any[]).map((o) => (
                <tr key={o.memberId}>
                  <td>{o.place}</td>
                  <td>{o.memberId}</td>
                  <td>{o.institutionId}</td>
                  <td>{o.status}</td>
                  <td>{o.turnsUsed}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table>
            <thead>
              <tr>
                <th>序号</th>
                <th>时间</th>
                <th>案件</th>
                <th>轮到</th>
                <th>选定</th>
                <th>规则</th>
                <th>轮次</th>
              </tr>
            </thead>
            <tbody>
              {((rotation.data?.ledger ?? []) as Any[]).map((e) => (
                <tr key={e.seq}>
                  <td>{e.seq}</td>
                  <td>{cst(e.at)}</td>
                  <td>{e.applicationNo}</td>
                  <td>{e.next}</td>
                  <td>{e.chosen}</td>
                  <td>{e.rule}</td>
                  <td>{e.turn}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title={`${year} 年评估结果公示（S-4.6）`} testId="results">
        <ErrorBox error={results.error} />
        {results.data && <ResultsView data={results.data} />}
      </Section>
    </div>
  );
}

function ResultsView({ data }: { data: Any }) {
  const tiers = (data.tiers ?? {}) as Record<string, number>;
  const members = (data.members ?? []) as Any[];
  const tierText = (t: Record<string, number> | undefined) =>
    Object.entries(TIERS)
      .map(([k, label]) => `${label} ${t?.[k] ?? 0}`)
      .join('，');
  return (
    <div>
      <p data-testid="results-total">
        共 {data.cases} 件：{tierText(tiers)}；补助合计 {yuan(data.payoutCents)}
      </p>
      <table>
        <thead>
          <tr>
            <th>人员</th>
            <th>案件</th>
            <th>各档</th>
            <th>补助</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.memberId}>
              <td>{m.memberId}</td>
              <td>{m.cases}</td>
              <td>{tierText(m.tiers)}</td>
              <td>{yuan(m.payoutCents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
