import { CONTRACT, pathOf } from '../../../api/contract';
import { get } from '../api';
import type { Session } from '../session';
import { cst, ErrorBox, Loading, Section, useLoad } from '../ui';

interface Task {
  applicationNo: string;
  taskId: string;
  route: string;
  dueAt: string;
}

/** S-3.1, S-2.1: open field checks of cases filed at the agent's service point, soonest due first. */
export function FieldTasksPage({ session }: { session: Session }) {
  const tasks = useLoad(() => get<{ tasks: Task[] }>(session, pathOf(CONTRACT.village.tasks)), [session]);
  return (
    <Section title="实地核查任务" testId="field-tasks">
      <Loading loading={tasks.loading} />
      <ErrorBox error={tasks.error} />
      <table>
        <thead>
          <tr>
            <th>申请编号</th>
            <th>任务</th>
            <th>期限</th>
          </tr>
        </thead>
        <tbody>
          {(tasks.data?.tasks ?? []).map((t) => (
            <tr key={`${t.applicationNo}-${t.taskId}`}>
              <td>
                <a href={`#/case/${t.applicationNo}`}>{t.applicationNo}</a>
              </td>
              <td>{t.taskId}</td>
              <td>{cst(t.dueAt)}</td>
            </tr>
          ))}
          {tasks.data?.tasks.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">
                暂无待核查任务
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </Section>
  );
}
