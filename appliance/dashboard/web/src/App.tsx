import { type FormEvent, useEffect, useState } from 'react';
import { api, setCsrf } from './api';
import { Anomalies } from './pages/Anomalies';
import { Fingerprint } from './pages/Fingerprint';
import { IpDetail } from './pages/IpDetail';
import { Login, type SessionInfo } from './pages/Login';
import { Overview } from './pages/Overview';
import { Search } from './pages/Search';
import { Status } from './pages/Status';
import { href, useRoute } from './router';

function Page({ admin }: { admin: boolean }) {
  const route = useRoute();
  switch (route.page) {
    case 'anomalies':
      return <Anomalies />;
    case 'ip':
      return <IpDetail key={route.arg} ip={route.arg} />;
    case 'fingerprint':
      return <Fingerprint key={route.arg} ja4={route.arg} />;
    case 'search':
      return <Search key={route.params.get('q') ?? ''} q={route.params.get('q') ?? ''} />;
    case 'status':
      return <Status admin={admin} />;
    default:
      return <Overview />;
  }
}

export function App() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [version, setVersion] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    api
      .get<{ version: string }>('/api/health')
      .then((h) => setVersion(h.version))
      .catch(() => setVersion('?'));
    api
      .get<SessionInfo>('/api/session')
      .then((s) => {
        setCsrf(s.csrf);
        setSession(s);
      })
      .catch(() => setSession(null));
  }, []);
  const logout = async () => {
    await api.post('/api/logout').catch(() => undefined);
    setSession(null);
  };
  const search = (e: FormEvent) => {
    e.preventDefault();
    if (q.trim()) window.location.hash = href.search(q.trim());
  };
  const footer = <footer>ja4-platform {version}</footer>;
  if (session === undefined) return null;
  if (session === null) {
    return (
      <>
        <Login onLogin={setSession} />
        {footer}
      </>
    );
  }
  return (
    <>
      <header>
        <strong>ja4-platform</strong>
        <nav>
          <a href={href.overview()}>Overview</a>
          <a href={href.anomalies()}>Anomalies</a>
          <a href={href.status()}>Status</a>
        </nav>
        <form onSubmit={search} className="search">
          <input
            placeholder="IP, CIDR, JA4, JA3 or host"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            aria-label="search"
          />
        </form>
        <span className="muted small">{session.username}</span>
        <button type="button" className="link" onClick={logout}>
          Log out
        </button>
      </header>
      <main>
        <Page admin={session.role === 'admin'} />
      </main>
      {footer}
    </>
  );
}
