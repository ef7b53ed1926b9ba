import { Connection, WorkflowClient } from '@temporalio/client';

/**
 * The highest attempt number of any activity in a workflow's history: more than 1 means the
 * retries happened on Temporal, as its own history records them (a scheduled activity's start
 * event, or a local activity's marker).
 */
export async function maxActivityAttempt(address: string, namespace: string, workflowId: string): Promise<number> {
  const connection = await Connection.connect({ address });
  try {
    const client = new WorkflowClient({ connection, namespace });
    const history = await client.getHandle(workflowId).fetchHistory();
    return Math.max(0, ...(history.events ?? []).map((e) => e.activityTaskStartedEventAttributes?.attempt ?? localActivityAttempt(e.markerRecordedEventAttributes)));
  } finally {
    await connection.close();
  }
}

type MarkerAttributes = { markerName?: string | null; details?: Record<string, { payloads?: { data?: Uint8Array | null }[] | null }> | null } | null | undefined;

/** A local activity's attempt, from the marker the worker recorded for it (its `data` detail is JSON). */
function localActivityAttempt(marker: MarkerAttributes): number {
  if (marker?.markerName !== 'core_local_activity') return 0;
  const data = marker.details?.data?.payloads?.[0]?.data;
  if (!data) return 0;
  const { attempt } = JSON.parse(Buffer.from(data).toString('utf8')) as { attempt?: number };
  return attempt ?? 0;
}
