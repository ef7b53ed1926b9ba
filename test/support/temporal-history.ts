import { Connection, WorkflowClient } from '@temporalio/client';

/**
 * The highest attempt number of any activity in a workflow's history: more than 1 means the
 * retries happened on Temporal, as its own history records them.
 */
export async function maxActivityAttempt(address: string, namespace: string, workflowId: string): Promise<number> {
  const connection = await Connection.connect({ address });
  try {
    const client = new WorkflowClient({ connection, namespace });
    const history = await client.getHandle(workflowId).fetchHistory();
    return Math.max(0, ...(history.events ?? []).map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0));
  } finally {
    await connection.close();
  }
}
