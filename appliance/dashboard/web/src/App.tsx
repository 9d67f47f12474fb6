import { type FormEvent, useEffect, useState } from 'react';
import { api, setCsrf, setUnauthenticatedHandler } from './api';
import { Alerts } from './pages/Alerts';
import { Anomalies } from './pages/Anomalies';
import { Fingerprint } from './pages/Fingerprint';
import { IpDetail } from './pages/IpDetail';
import { Lists } from './pages/Lists';
import { Login, type SessionInfo } from './pages/Login';
import { Overview } from './pages/Overview';
import { Search } from './pages/Search';
import { Signals } from './pages/Signals';
import { Status } from './pages/Status';
import { href, useRoute } from './router';
import { savedZone, saveZone, type Zone, ZoneContext } from './time';

function Page({ admin }: { admin: boolean }) {
  const route = useRoute();
  switch (route.page) {
    case 'overview':
      return <Overview route={route} />;
    case 'anomalies':
      return <Anomalies route={route} />;
    case 'alerts':
      return <Alerts route={route} />;
    case 'signals':
      return <Signals route={route} />;
    case 'lists':
      return <Lists route={route} />;
    case 'ip':
      return <IpDetail key={route.arg} route={route} />;
    case 'fingerprint':
      return <Fingerprint key={route.arg} route={route} />;
    case 'search':
      return <Search route={route} />;
    case 'status':
      return <Status admin={admin} />;
    default:
      return (
        <div data-testid="not-found">
          <h2>No such page</h2>
          <p>
            “#{route.page}” is not a page of the dashboard. Go to the <a href={href.overview()}>overview</a>.
          </p>
        </div>
      );
  }
}

function Header({ session, onLogout, zone, setZone }: HeaderProps) {
  const [q, setQ] = useState('');
  const search = (e: FormEvent) => {
    e.preventDefault();
    if (q.trim()) window.location.hash = href.search(q.trim());
  };
  return (
    <header>
      <strong>ja4-platform</strong>
      <nav>
        <a href={href.overview()}>Overview</a>
        <a href={href.anomalies()}>Anomalies</a>
        <a href={href.alerts()}>Alerts</a>
        <a href={href.signals()}>JA4 signals</a>
        <a href={href.lists()}>Lists</a>
        <a href={href.status()}>Status</a>
      </nav>
      <form onSubmit={search} className="search">
        <input
          placeholder="ip: cidr: ja4: ja3: host: path: ua: asn: status:"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          aria-label="search"
        />
      </form>
      <label className="small zone">
        times in{' '}
        <select aria-label="time zone" value={zone} onChange={(e) => setZone(e.target.value as Zone)}>
          <option value="utc">UTC</option>
          <option value="local">local</option>
        </select>
      </label>
      <span className="small user">{session.username}</span>
      <button type="button" className="link" onClick={onLogout}>
        Log out
      </button>
    </header>
  );
}

interface HeaderProps {
  session: SessionInfo;
  onLogout: () => void;
  zone: Zone;
  setZone: (z: Zone) => void;
}

export function App() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [version, setVersion] = useState('');
  const [zone, setZoneState] = useState<Zone>(savedZone);
  useEffect(() => {
    // Any 401 means the session is gone: show the login page; the URL (and so the page the
    // analyst was on) stays, and logging in again shows it.
    setUnauthenticatedHandler(() => setSession(null));
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
  const setZone = (z: Zone) => {
    saveZone(z);
    setZoneState(z);
  };
  const logout = async () => {
    await api.post('/api/logout').catch(() => undefined);
    setSession(null);
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
    <ZoneContext.Provider value={zone}>
      <Header session={session} onLogout={logout} zone={zone} setZone={setZone} />
      <main>
        <Page admin={session.role === 'admin'} />
      </main>
      {footer}
    </ZoneContext.Provider>
  );
}
