import { Table } from '../components/Table';
import { useApi } from '../use-api';

interface StatusData {
  version: string;
  services: { name: string; ok: boolean; detail: string }[];
}

export function Status() {
  const { data, error } = useApi<StatusData>('/api/status', {}, 15_000);
  return (
    <div>
      <h2>Status</h2>
      {error && <p className="error">{error}</p>}
      {data && (
        <Table
          rows={data.services}
          rowKey={(r) => r.name}
          testId="status"
          columns={[
            { key: 'name', title: 'Service', render: (r) => r.name },
            {
              key: 'ok',
              title: 'Health',
              render: (r) => <span className={r.ok ? 'ok' : 'bad'}>{r.ok ? 'healthy' : 'down'}</span>,
            },
            { key: 'detail', title: 'Detail', render: (r) => r.detail },
          ]}
        />
      )}
    </div>
  );
}
