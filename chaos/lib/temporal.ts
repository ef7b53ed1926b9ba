import { Connection, WorkflowClient } from '@temporalio/client';

/** One activity of a workflow as Temporal's history records it. */
export interface ActivityRecord {
  activity: string;
  /** The attempt that ended it: more than 1 means that many minus one failed attempts before. */
  attempt: number;
  /**
   * Milliseconds from the workflow's start to the workflow task that recorded the activity's end
   * (a local activity's marker follows the task it completed in; the worker completes that task
   * as soon as the activity ends): its failed attempts and the backoff between them (Temporal's
   * retry policy: 1 s, then doubling), plus the steps before it.
   */
  elapsedMs: number | null;
  /** The failure of the last attempt, when the activity itself failed for good. */
  failure?: string;
}

type Payloads = { payloads?: { data?: Uint8Array | null }[] | null } | null | undefined;

/** The marker's JSON detail. Its own times (complete_time, original_schedule_time) are not the first attempt's and are not read. */
interface LocalActivityMarkerData {
  activity_type?: string;
  attempt?: number;
}

/**
 * Reads workflow histories from the Temporal server (`TEMPORAL_ADDRESS`): the activities of each,
 * with the attempt that ended them. CreateShipmentWorkflow runs its activities as local
 * activities (ADR 0019), whose retries the worker makes and records in the activity's marker.
 */
export class TemporalHistories {
  private constructor(
    private readonly connection: Connection,
    private readonly client: WorkflowClient,
  ) {}

  static async connect(address: string, namespace: string): Promise<TemporalHistories> {
    const connection = await Connection.connect({ address });
    return new TemporalHistories(connection, new WorkflowClient({ connection, namespace }));
  }

  async activities(workflowId: string): Promise<ActivityRecord[]> {
    const history = await this.client.getHandle(workflowId).fetchHistory();
    const records: ActivityRecord[] = [];
    const scheduled = new Map<string, { activity: string; at: number | null }>();
    let workflowStart: number | null = null;
    let taskCompleted: number | null = null;
    for (const event of history.events ?? []) {
      if (event.workflowExecutionStartedEventAttributes) workflowStart = eventTime(event.eventTime);
      if (event.workflowTaskCompletedEventAttributes) taskCompleted = eventTime(event.eventTime);
      const marker = event.markerRecordedEventAttributes;
      if (marker?.markerName === 'core_local_activity') {
        const data = decode((marker.details as Record<string, Payloads> | null | undefined)?.data);
        if (data) {
          records.push({
            activity: data.activity_type ?? '?',
            attempt: data.attempt ?? 1,
            elapsedMs: workflowStart !== null && taskCompleted !== null ? taskCompleted - workflowStart : null,
            ...(marker.failure ? { failure: marker.failure.message ?? 'failed' } : {}),
          });
        }
      }
      // Activities scheduled on the task queue (runs started before the local-activity patch).
      const sched = event.activityTaskScheduledEventAttributes;
      if (sched) scheduled.set(String(event.eventId), { activity: sched.activityType?.name ?? '?', at: eventTime(event.eventTime) });
      const started = event.activityTaskStartedEventAttributes;
      if (started) {
        const of = scheduled.get(String(started.scheduledEventId));
        const at = eventTime(event.eventTime);
        records.push({ activity: of?.activity ?? '?', attempt: started.attempt ?? 1, elapsedMs: workflowStart !== null && at !== null ? at - workflowStart : null });
      }
    }
    return records;
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

function decode(payloads: Payloads): LocalActivityMarkerData | null {
  const data = payloads?.payloads?.[0]?.data;
  if (!data) return null;
  try {
    return JSON.parse(Buffer.from(data).toString('utf8')) as LocalActivityMarkerData;
  } catch {
    return null;
  }
}

function eventTime(t: { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined): number | null {
  if (!t) return null;
  const seconds = typeof t.seconds === 'number' ? t.seconds : (t.seconds?.toNumber() ?? 0);
  return seconds * 1000 + Math.round((t.nanos ?? 0) / 1e6);
}
