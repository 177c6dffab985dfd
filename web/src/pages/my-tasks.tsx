import { CONTRACT, pathOf } from '../../../api/contract';
import { get, query } from '../api';
import type { Role } from '../../../api/auth/access';
import type { Session } from '../session';
import { cst, ErrorBox, Loading, Section, useLoad } from '../ui';

/** API answers, shown as read (the API validates them). */
type Any = Record<string, any>;

/** Which owner of an obligation (issue 8's read model) each role is: what "waiting on me" means for it. */
const OWNER_OF: Partial<Record<Role, string>> = {
  agency_staff: 'agency',
  agency_head: 'agency_head',
  city_centre: 'city_centre',
  justice_bureau: 'justice_bureau',
  institution: 'institution',
  quality_manager: 'quality_manager',
  lawyer: 'member',
  evaluator: 'evaluator',
  expert: 'expert',
};

export const hasOwnTasks = (roles: readonly Role[]) => roles.some((r) => OWNER_OF[r] !== undefined);

/** The work queue of what waits on this person (or their agency / institution), overdue first, then soonest due. */
export function MyTasksPage({ session }: { session: Session }) {
  const owners = [...new Set(session.roles.map((r) => OWNER_OF[r]).filter((o): o is string => o !== undefined))];
  const tasks = useLoad(async () => {
    const lists = await Promise.all(
      owners.map((ownerRole) =>
        get<{ items: Any[] }>(session, pathOf(CONTRACT.stuck.stuck) + query({ view: 'open', ownerRole, limit: 200 })),
      ),
    );
    return lists
      .flatMap((l) => l.items)
      .sort(
        (a, b) =>
          Number(b.overdue) - Number(a.overdue) ||
          (a.dueAt ? Date.parse(a.dueAt) : Infinity) - (b.dueAt ? Date.parse(b.dueAt) : Infinity),
      );
  }, [session]);
  return (
    <Section title="待我处理" testId="my-tasks">
      <button type="button" onClick={tasks.reload}>
        刷新
      </button>
      <Loading loading={tasks.loading} />
      <ErrorBox error={tasks.error} />
      <table>
        <thead>
          <tr>
            <th>申请编号</th>
            <th>阶段</th>
            <th>待办事项</th>
            <th>待办方</th>
            <th>期限</th>
            <th>状态</th>
            <th>依据</th>
          </tr>
        </thead>
        <tbody>
          {(tasks.data ?? []).map((t, i) => (
            <tr key={`${t.applicationNo}-${t.kind}-${i}`} className={t.overdue ? 'overdue' : ''}>
              <td>
                <a href={`#/case/${t.applicationNo}`}>{t.applicationNo}</a>
              </td>
              <td>{t.stageLabel ?? t.stage}</td>
              <td>{t.kindLabel ?? t.kind}</td>
              <td>
                {t.ownerRoleLabel ?? t.ownerRole}
                {t.ownerId ? ` ${t.ownerId}` : ''}
              </td>
              <td>
                {cst(t.dueAt)}
                {t.dueMoved ? <span className="moved">（{t.dueMoved}）</span> : null}
              </td>
              <td>{t.overdue ? <span className="badge red">已超期</span> : '未到期'}</td>
              <td>
                <span className="rule">{t.ruleId}</span>
              </td>
            </tr>
          ))}
          {tasks.data?.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                暂无待办
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </Section>
  );
}
