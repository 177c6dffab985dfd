import { useState } from 'react';
import { ROLE_LABELS } from '../labels';
import { decodeToken, saveSession, type Session } from '../session';
import { ErrorBox } from '../ui';

/** Paste the token issued by the identity provider (or `npm run token`); the API verifies it on every call. */
export function SignInPage({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  let preview: Session | null = null;
  try {
    preview = token.trim() ? decodeToken(token) : null;
  } catch {
    preview = null;
  }
  return (
    <div className="layout">
      <header>
        <h1>绍兴市法律援助案件工作台</h1>
      </header>
      <main>
        <section className="card" data-testid="sign-in">
          <h3>登录</h3>
          <p>请粘贴统一身份认证签发的访问令牌（与接口使用的令牌相同）。令牌只保存在本标签页中，关闭即失效。</p>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              try {
                onSignedIn(saveSession(token));
              } catch (err) {
                setError(err);
              }
            }}
          >
            <textarea name="token" value={token} onChange={(e) => setToken(e.target.value)} placeholder="eyJhbGciOi…" />
            {preview && (
              <p data-testid="token-preview">
                用户 {preview.userId}；角色 {preview.roles.map((r) => ROLE_LABELS[r] ?? r).join('、')}
                {preview.agency ? `；机构 ${preview.agency}` : ''}
                {preview.institution ? `；服务机构 ${preview.institution}` : ''}
              </p>
            )}
            <button type="submit">登录</button>
          </form>
          <ErrorBox error={error} />
        </section>
      </main>
    </div>
  );
}
