/** The console: sign-in, then each role's menu of pages (hash routes under /console/). */
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { Role } from '../../api/auth/access';
import { CONTRACT } from '../../api/contract';
import { AGENCIES, ROLE_LABELS } from './labels';
import { CasePage } from './pages/case';
import { EvaluationsPage } from './pages/evaluations';
import { CallsPage } from './pages/hotline';
import { IntakePage } from './pages/intake';
import { MyTasksPage } from './pages/my-tasks';
import { FiguresPage, PublishedPage, StuckBoard } from './pages/manager';
import { QueuePage } from './pages/queue';
import { SignInPage } from './pages/sign-in';
import { FieldTasksPage } from './pages/village';
import { clearSession, loadSession, rolesOf, type Session } from './session';
import './style.css';

interface Route {
  path: string;
  label: string;
  roles: readonly Role[];
  render: (session: Session, arg: string) => React.ReactNode;
}

const STAFF: Role[] = ['agency_staff', 'agency_head', 'city_centre'];
const ROUTES: Route[] = [
  {
    path: 'my-tasks',
    label: '待我处理',
    // Everyone who owes something on the board; managers, auditors and technical support read the whole board instead.
    roles: rolesOf(CONTRACT.stuck.stuck).filter((r) => !['manager', 'auditor', 'technical_support'].includes(r)),
    render: (s) => <MyTasksPage session={s} />,
  },
  {
    path: 'intake',
    label: '受理登记 / 代为申请',
    roles: [...STAFF, 'village_agent', 'village_advisor', 'hotline_officer', 'applicant'],
    render: (s) => <IntakePage session={s} />,
  },
  {
    path: 'queue',
    label: '工作队列 / 我的案件',
    roles: [
      ...STAFF,
      'lawyer',
      'institution',
      'quality_manager',
      'village_agent',
      'village_advisor',
      'hotline_officer',
      'applicant',
      'manager',
      'auditor',
    ],
    render: (s) => <QueuePage session={s} />,
  },
  {
    path: 'file-review',
    label: '结案审查队列',
    roles: ['quality_manager'],
    render: (s) => <QueuePage session={s} stage="file_review" />,
  },
  {
    path: 'evaluations',
    label: '评估与专家复核',
    roles: rolesOf(CONTRACT.quality.listEvaluations),
    render: (s) => <EvaluationsPage session={s} />,
  },
  {
    path: 'calls',
    label: '12348 来电队列',
    roles: rolesOf(CONTRACT.hotline.list),
    render: (s) => <CallsPage session={s} />,
  },
  {
    path: 'tasks',
    label: '实地核查任务',
    roles: rolesOf(CONTRACT.village.tasks),
    render: (s) => <FieldTasksPage session={s} />,
  },
  { path: 'stuck', label: '滞留案件看板', roles: ['manager', ...STAFF], render: (s) => <StuckBoard session={s} /> },
  {
    path: 'figures',
    label: '时效与工作量',
    roles: rolesOf(CONTRACT.stuck.sla),
    render: (s) => <FiguresPage session={s} />,
  },
  {
    path: 'published',
    label: '轮流指派顺序与评估结果',
    roles: ['manager', ...STAFF, 'institution', 'lawyer'],
    render: (s) => <PublishedPage session={s} />,
  },
];

function readHash(): [string, string] {
  const h = decodeURIComponent(window.location.hash.replace(/^#\/?/, ''));
  const [page = '', ...rest] = h.split('/');
  return [page, rest.join('/')];
}

export function go(path: string) {
  window.location.hash = `#/${path}`;
}

function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [[page, arg], setRoute] = useState(readHash);
  useEffect(() => {
    const on = () => setRoute(readHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);

  if (!session) return <SignInPage onSignedIn={(s) => setSession(s)} />;
  const mine = ROUTES.filter((r) => r.roles.some((role) => session.roles.includes(role)));
  const current = page === 'case' ? null : (mine.find((r) => r.path === page) ?? mine[0]);
  return (
    <div className="layout">
      <header>
        <h1>绍兴市法律援助案件工作台</h1>
        <div className="who" data-testid="who">
          <span>{session.userId}</span>
          <span>{session.roles.map((r) => ROLE_LABELS[r] ?? r).join('、')}</span>
          {session.agency && <span>{AGENCIES[session.agency as keyof typeof AGENCIES] ?? session.agency}</span>}
          {session.institution && <span>机构 {session.institution}</span>}
          <button
            type="button"
            onClick={() => {
              clearSession();
              setSession(null);
            }}
          >
            退出
          </button>
        </div>
      </header>
      <nav data-testid="menu">
        {mine.map((r) => (
          <a key={r.path} href={`#/${r.path}`} className={current?.path === r.path ? 'active' : ''}>
            {r.label}
          </a>
        ))}
      </nav>
      <main>
        {page === 'case' && arg ? (
          <CasePage key={arg} session={session} applicationNo={arg} />
        ) : current ? (
          current.render(session, arg)
        ) : (
          <p>您的角色没有可用的页面。</p>
        )}
      </main>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
