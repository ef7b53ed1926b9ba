import type { CreateShipmentActivities } from '../../contracts/create-shipment.contracts';
import { TemporalWorkflowEngine } from './temporal-workflow-engine';

// The worker's lifecycle around a stand-in Worker and connections (no server): how a crash is
// surfaced and how shutdown drains. The behaviour against a real server is in
// test/contracts/workflow-engine.temporal.spec.ts.

type State = 'RUNNING' | 'DRAINING' | 'STOPPED' | 'FAILED';

const events: string[] = [];
let worker: {
  state: State;
  run: jest.Mock<Promise<void>, []>;
  shutdown: jest.Mock<void, []>;
  getState: () => State;
  finish: () => void;
  crash: (error: Error) => void;
};

function newWorker(): typeof worker {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  const w: typeof worker = {
    state: 'RUNNING',
    run: jest.fn(() => done),
    shutdown: jest.fn(() => {
      events.push('worker.shutdown');
      w.state = 'DRAINING';
    }),
    getState: () => w.state,
    finish: () => {
      events.push('worker.run resolved');
      w.state = 'STOPPED';
      resolve();
    },
    crash: (error) => {
      w.state = 'FAILED';
      reject(error);
    },
  };
  return w;
}

jest.mock('@temporalio/worker', () => ({
  ...jest.requireActual<object>('@temporalio/worker'),
  Runtime: { instantiator: 'install', install: jest.fn() },
  NativeConnection: {
    connect: jest.fn(async () => {
      events.push('native.connect');
      return { close: jest.fn(async () => void events.push('native.close')) };
    }),
  },
  // A class, as the engine creates its worker from a subclass of it (sandbox-worker.ts).
  Worker: class {
    static create: jest.Mock<Promise<typeof worker>, []> = jest.fn(async () => worker);
  },
}));
jest.mock('@temporalio/client', () => ({
  ...jest.requireActual<object>('@temporalio/client'),
  // The client rides the worker's native connection: a grpc-js connection must not be opened.
  Connection: { connect: jest.fn(async () => void events.push('grpc-js.connect')) },
  Client: jest.fn(() => ({})),
}));

const activities = {} as CreateShipmentActivities;
const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };

beforeEach(() => {
  events.length = 0;
  worker = newWorker();
  jest.clearAllMocks();
});

describe('TemporalWorkflowEngine worker lifecycle', () => {
  it('opens one native connection for client and worker; shuts down gracefully: worker.shutdown, then the run finishes, then the connection closes', async () => {
    const engine = new TemporalWorkflowEngine({ address: 'a:7233', namespace: 'n' }, activities);
    await engine.launch();
    expect(worker.run).toHaveBeenCalledTimes(1);
    expect(events).toEqual(['native.connect']);
    events.length = 0;

    const stopping = engine.stop();
    expect(worker.shutdown).toHaveBeenCalledTimes(1);
    expect(events).toEqual(['worker.shutdown']);
    worker.finish();
    await stopping;
    expect(events).toEqual(['worker.shutdown', 'worker.run resolved', 'native.close']);
    await expect(engine.whenStopped).resolves.toBeUndefined();
  });

  it('surfaces a worker crash through the logger and a rejected whenStopped, without an unhandled rejection', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const engine = new TemporalWorkflowEngine({ address: 'a:7233', namespace: 'n', logger }, activities);
      await engine.launch();
      events.length = 0;
      worker.crash(new Error('lost the server'));
      // Nobody awaits whenStopped yet: the crash must be logged, not become an unhandled rejection.
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).not.toHaveBeenCalled();
      expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('crashed: Error: lost the server'));
      await expect(engine.whenStopped).rejects.toThrow('lost the server');

      // Shutdown after a crash closes the connections and does not throw again.
      await engine.stop();
      expect(worker.shutdown).not.toHaveBeenCalled();
      expect(events).toEqual(['native.close']);
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('does not ask a worker that is already draining (e.g. after a signal) to shut down again', async () => {
    const engine = new TemporalWorkflowEngine({ address: 'a:7233', namespace: 'n' }, activities);
    await engine.launch();
    events.length = 0;
    worker.state = 'DRAINING';
    const stopping = engine.stop();
    worker.finish();
    await stopping;
    expect(worker.shutdown).not.toHaveBeenCalled();
    expect(events).toEqual(['worker.run resolved', 'native.close']);
  });

  it('starts no worker when runWorker is false', async () => {
    const engine = new TemporalWorkflowEngine({ address: 'a:7233', namespace: 'n', runWorker: false }, activities);
    await engine.launch();
    expect(worker.run).not.toHaveBeenCalled();
    await engine.stop();
    expect(events).toEqual(['native.connect', 'native.close']);
  });

  it('makes a client without activities, and refuses a worker without them', async () => {
    const client = new TemporalWorkflowEngine({ address: 'a:7233', namespace: 'n', runWorker: false }, null);
    await client.launch();
    expect(worker.run).not.toHaveBeenCalled();
    await client.stop();
    expect(() => new TemporalWorkflowEngine({ address: 'a:7233', namespace: 'n' }, null)).toThrow(/a Temporal worker needs its activities/);
  });
});
