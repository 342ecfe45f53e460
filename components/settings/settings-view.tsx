'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { formatTimestamp } from '../lib/format';
import { pathsFor } from '../lib/paths';
import { useTRPC } from '../lib/trpc';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { ErrorBox, Loading } from '../ui/state';
import { useToast } from '../ui/toast';

export function SettingsView() {
  return (
    <>
      <div className="page-header">
        <h1>Settings</h1>
      </div>
      <Clusters />
      <AuditLog />
    </>
  );
}

function Clusters() {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const clusters = useQuery(trpc.settings.clusters.queryOptions());
  const [name, setName] = useState('');
  const [nameServers, setNameServers] = useState('');
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.settings.clusters.queryKey() });
  const add = useMutation(
    trpc.settings.addCluster.mutationOptions({
      onSuccess: async (c) => {
        toast.success(`Cluster ${c.name} added`);
        setName('');
        setNameServers('');
        await invalidate();
      },
      onError: (err) => toast.error(err.message),
    }),
  );
  const [removing, setRemoving] = useState<string | null>(null);
  const remove = useMutation(
    trpc.settings.removeCluster.mutationOptions({
      onSuccess: async (c) => {
        toast.success(`Cluster ${c.name} removed`);
        setRemoving(null);
        await invalidate();
      },
      onError: (err) => {
        setRemoving(null);
        toast.error(err.message);
      },
    }),
  );
  return (
    <section className="panel" aria-label="Clusters">
      <h2>Clusters</h2>
      <p className="muted small">The console reaches every cluster through its name servers with RocketMQ&apos;s admin commands; the co-hosted one is always there.</p>
      {clusters.isPending && <Loading what="clusters" />}
      {clusters.isError && <ErrorBox title="Clusters" message={clusters.error.message} />}
      {clusters.data && (
        <table className="table" data-testid="cluster-list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Name servers</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {clusters.data.map((c) => (
              <tr key={c.name}>
                <td>
                  <Link href={pathsFor(c.embedded ? undefined : c.name).cluster()}>{c.name}</Link>
                  {c.embedded && <span className="badge badge-kind"> co-hosted</span>}
                </td>
                <td className="mono">{c.nameServers.join(', ')}</td>
                <td>
                  {!c.embedded && (
                    <button type="button" className="btn btn-small btn-danger" onClick={() => setRemoving(c.name)}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ConfirmDialog
        open={removing !== null}
        title={`Remove cluster ${removing ?? ''}?`}
        confirmLabel="Remove cluster"
        danger
        busy={remove.isPending}
        onConfirm={() => removing !== null && remove.mutate({ name: removing })}
        onCancel={() => setRemoving(null)}
      >
        <p>The console stops managing it and stops sampling its metrics; its charts end here. The cluster itself is not touched, and it can be added again.</p>
      </ConfirmDialog>
      <form
        className="toolbar"
        style={{ marginTop: '1rem' }}
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate({ name: name.trim(), nameServers: nameServers.split(/[\s,;]+/).filter(Boolean) });
        }}
      >
        <label className="field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label className="field">
          <span>Name servers (host:port, comma separated)</span>
          <input value={nameServers} onChange={(e) => setNameServers(e.target.value)} required size={36} />
        </label>
        <button type="submit" className="btn btn-primary" disabled={add.isPending}>
          Add cluster
        </button>
      </form>
    </section>
  );
}

function AuditLog() {
  const trpc = useTRPC();
  const audit = useQuery(trpc.settings.audit.queryOptions({ limit: 100 }, { refetchInterval: 10_000 }));
  return (
    <section className="panel" aria-label="Audit log">
      <h2>Audit log</h2>
      {audit.isPending && <Loading what="audit log" />}
      {audit.isError && <ErrorBox title="Audit log" message={audit.error.message} />}
      {audit.data &&
        (audit.data.length === 0 ? (
          <p className="muted">No changes made from the console yet.</p>
        ) : (
          <table className="table" data-testid="audit-log">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>Action</th>
                <th>Target</th>
                <th>Result</th>
              </tr>
            </thead>
            <tbody>
              {audit.data.map((a) => (
                <tr key={a.id}>
                  <td>{formatTimestamp(a.at)}</td>
                  <td>{a.actor}</td>
                  <td className="mono">{a.action}</td>
                  <td className="mono">{a.target}</td>
                  <td>{(a.details as { ok?: boolean }).ok === false ? <span className="badge badge-error">failed</span> : <span className="badge badge-ok">ok</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}
