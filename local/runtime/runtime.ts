import { sdkClientConfig } from '../../lambda/shared/adapters/sdk-http';
import type { AwsClients } from '../../lambda/shared/clients';
import { executionNameFor } from '../../lib/contract/runs';
import { executionNameForInvalidId } from '../../lambda/shared/domain/identifiers';
import { BATCH_PREDICTION_ID_PATTERN } from '../../lib/contract/events';
import { HANDLER_FACTORY } from '../../lib/contract/handlers';
import type { StandInEndpoint } from '../stand-ins/aws-json-server';
import type { FunctionDefinition, LocalDeployment } from '../template/deployment';
import { synthesizeDeployment } from '../template/synthesis';
import { DynamoDbStandIn } from '../stand-ins/dynamodb/dynamodb-stand-in';
import { type DeliveredEvent, EventBridgeStandIn, type EventEnvelope } from '../stand-ins/event-bridge/event-bridge-stand-in';
import { FaultPlan } from '../scenarios/faults';
import type { RecordedCall } from '../core/recorded-call';
import { MachineLearningStandIn } from '../stand-ins/machine-learning/machine-learning-stand-in';
import { type Scenario, ScenarioError } from '../scenarios/scenario';
import { type QueueContents, SqsStandIn } from '../stand-ins/sqs/sqs-stand-in';
import { type ExecutionRecord, LocalStepFunctions } from '../step-functions/step-functions';
import { VirtualClock, installVirtualTime } from '../core/virtual-clock';
import { LocalDiscovery } from './discovery';
import { StepFunctionsStandIn } from '../step-functions/step-functions-endpoint';
import type { ServiceKey, StandIn } from '../stand-ins/stand-in';
import { batchPredictionIdIn } from '../../lib/contract/loop-state';
import { type InvocationRecord, LambdaStandIn } from '../stand-ins/lambda/lambda-stand-in';

/** Options of {@link LocalRuntime}. */
export interface LocalRuntimeOptions {
  /** Context for synthesis (like `-c key=value`). @default {} */
  readonly context?: Record<string, unknown>;
  /** A deployment synthesized before, to save the synthesis time. @default - synthesized now */
  readonly deployment?: LocalDeployment;
  /** Simulated time at the start. @default '2026-01-05T00:00:00.000Z' */
  readonly startTime?: string;
  /** Seeds every random stream (`Math.random`, retry backoff jitter); the same seed gives the same run. @default 'batch-prediction-poller' */
  readonly seed?: string;
  /** Powertools log level of the handlers. @default 'SILENT' */
  readonly logLevel?: string;
  /**
   * Retried Task states wait their `Retry` backoff (with jitter) on the virtual clock, so that the
   * world may move on between a failed attempt and its retry. @default false - retries happen at once
   */
  readonly simulateRetryDelays?: boolean;
  /**
   * Loads the module a function's handler factory is exported from. The bundled CLI (assets/cli)
   * passes the handlers bundled into it; from a clone, the entry's source is required.
   * @default - `require(fn.entry)`
   */
  readonly loadHandlerModule?: (fn: FunctionDefinition) => Record<string, unknown>;
}

/** One execution in a run's summary. */
export interface ExecutionSummary {
  readonly name: string;
  readonly batchPredictionId: string | null;
  readonly status: string;
  readonly error: string | null;
  readonly polls: number;
  readonly stateTransitions: number;
  readonly historyEvents: number;
  readonly simulatedSeconds: number;
}

/** What a scenario run produced. */
export interface RunResult {
  readonly executions: readonly ExecutionSummary[];
  readonly events: readonly DeliveredEvent[];
  readonly history: readonly Record<string, unknown>[];
  readonly totals: RunTotals;
  readonly calls: readonly RecordedCall[];
  /** Every queue of the template and the messages sent to it (the dead-letter queue's are failures to look at). */
  readonly queues: readonly QueueContents[];
}

/** Totals over a run. */
export interface RunTotals {
  readonly executions: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly polls: number;
  readonly stateTransitions: number;
  readonly historyEvents: number;
  readonly maxHistoryEventsPerExecution: number;
  readonly events: number;
  readonly historyItems: number;
  readonly faultsInjected: number;
  /** Messages sent to the template's queues: undelivered events and failed asynchronous invocations. */
  readonly queuedMessages: number;
  readonly simulatedSeconds: number;
}

const DEFAULT_START = '2026-01-05T00:00:00.000Z';

/** A handler factory of an entry module (`createPollHandler`, ...), as the runtime calls it. */
type HandlerFactory = (options: {
  clients?: AwsClients;
  settings?: Readonly<Record<string, string | undefined>>;
  now?: () => Date;
}) => (payload: unknown, context: { awsRequestId: string }) => Promise<unknown>;

/**
 * The embedded local runtime: the synthesized state machine run by a real ASL interpreter, the
 * real handlers in-process, and their real SDK clients talking HTTP to local stand-ins for
 * Amazon ML, EventBridge and DynamoDB, all on a virtual clock.
 */
export class LocalRuntime {
  readonly clock: VirtualClock;
  readonly stepFunctions: LocalStepFunctions;
  readonly machineLearning: MachineLearningStandIn;
  readonly eventBridge: EventBridgeStandIn;
  readonly dynamoDb: DynamoDbStandIn;
  readonly faults: FaultPlan;
  /** Lambda rule targets, schedules (the sweeper) and CloudTrail announcements. */
  readonly discovery: LocalDiscovery;
  /** The template's SQS queues: where Lambda sends the records of asynchronous invocations that failed for good. */
  readonly queues: SqsStandIn;
  /**
   * Every AWS service stand-in, the one registry: each is started and stopped with the runtime,
   * gets an endpoint, and gives the handlers the SDK client that reaches it. A new service is its
   * stand-in's folder and one line here.
   */
  readonly standIns: readonly StandIn[];
  /** The SDK clients every handler instance of this runtime is built with, pointed at its own stand-ins. */
  private clients?: AwsClients;
  /** Lambda: the template's functions, their execution environments, their invocations. */
  readonly lambda: LambdaStandIn;

  /** Every handler run, in start order: which function, about which batch prediction, and how it ended. */
  get invocations(): readonly InvocationRecord[] {
    return this.lambda.invocations;
  }
  /** The URLs of this runtime's stand-ins, by service; set by {@link start}. */
  endpoints: Readonly<Record<ServiceKey, string>> = {
    machinelearning: '',
    eventbridge: '',
    dynamodb: '',
    sfn: '',
  };
  private restoreTime?: () => void;
  private restoreEnv?: () => void;
  private order = new Map<string, number>();

  private constructor(
    readonly deployment: LocalDeployment,
    readonly scenario: Scenario,
    private readonly options: LocalRuntimeOptions,
  ) {
    this.clock = new VirtualClock(Date.parse(options.startTime ?? DEFAULT_START));
    this.faults = new FaultPlan(scenario.faults);
    this.machineLearning = new MachineLearningStandIn(scenario.batchPredictions, this.clock, this.faults, deployment.account);
    this.eventBridge = new EventBridgeStandIn(
      deployment.buses,
      deployment.rules,
      this.faults,
      deployment.account,
      deployment.region,
      deployment.schedules,
    );
    this.dynamoDb = new DynamoDbStandIn(deployment.tables, this.faults, deployment.account, deployment.region);
    this.queues = new SqsStandIn(deployment.queues, this.clock);
    // Each function's execution environments are built by the factory its entry point's `handler`
    // export is built with, so each has its own logger (its keys never reach another invocation's
    // log lines), metrics and dependencies, over this runtime's clients.
    this.lambda = new LambdaStandIn(
      deployment.functions,
      this.clock,
      (fn) => {
        const module = (options.loadHandlerModule?.(fn) ?? require(fn.entry)) as Record<string, HandlerFactory>;
        // Injected through the factory, the composition root: the function's own settings (its
        // template environment) and the virtual clock, not the process's environment and Date.
        // Settings as Lambda gives them: the template's variables and Lambda's own reserved ones
        // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
        const settings = {
          AWS_REGION: deployment.region,
          AWS_DEFAULT_REGION: deployment.region,
          AWS_LAMBDA_FUNCTION_NAME: fn.name,
          ...fn.environment,
        };
        return module[fn.factory]({ clients: this.clients, settings, now: () => new Date(this.clock.nowMs()) });
      },
      this.queues,
      this.faults,
      () => this.machineLearning.answered.length,
    );
    this.stepFunctions = new LocalStepFunctions(
      deployment.stateMachines,
      this.lambda,
      this.clock,
      options.seed ?? 'batch-prediction-poller',
    );
    this.standIns = [this.machineLearning, this.eventBridge, this.dynamoDb, new StepFunctionsStandIn(this.stepFunctions)];
    const constructIds = deployment.functions.flatMap((f) => (f.constructId === undefined ? [] : [f.constructId]));
    for (const named of this.faults.functionsNamed()) {
      if (!constructIds.includes(named)) {
        throw new ScenarioError(
          `faults: "function": "${named}" names no function of the deployment; it has ${constructIds.map((id) => `"${id}"`).join(', ')}`,
        );
      }
    }
    this.discovery = new LocalDiscovery(
      this.clock,
      deployment.functions,
      deployment.schedules,
      this.eventBridge,
      this.stepFunctions,
      scenario.batchPredictions,
      this.lambda,
    );
    this.stepFunctions.simulateRetryDelays = options.simulateRetryDelays ?? false;
    for (const [i, bp] of scenario.batchPredictions.entries()) this.order.set(bp.id, i);
  }

  /** Synthesizes (unless given a deployment), starts the stand-ins and sets the handlers' environment. */
  static async start(scenario: Scenario, options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
    const deployment = options.deployment ?? synthesizeDeployment(options.context);
    const runtime = new LocalRuntime(deployment, scenario, options);
    await runtime.boot();
    return runtime;
  }

  private async boot(): Promise<void> {
    const urls = await Promise.all(this.standIns.map((standIn) => standIn.start()));
    this.endpoints = Object.fromEntries(this.standIns.map((standIn, i) => [standIn.service, urls[i]])) as Record<ServiceKey, string>;
    // Real SDK clients with the handlers' own HTTP limits, pointed at this runtime's stand-ins and
    // handed to every handler instance it builds (the composition root's `clients` option).
    const config = (endpoint: string) => ({
      ...sdkClientConfig(),
      endpoint,
      region: this.deployment.region,
      credentials: { accessKeyId: 'AKIDLOCALRUNTIME', secretAccessKey: 'local-runtime-secret' },
      // Retries are the state machine's, as in AWS.
      maxAttempts: 1,
    });
    this.clients = Object.fromEntries(
      this.standIns.map((standIn, i) => [standIn.clientKey, standIn.createClient(config(urls[i]))]),
    ) as unknown as AwsClients;
    const env: Record<string, string> = {
      AWS_ACCESS_KEY_ID: 'AKIDLOCALRUNTIME',
      AWS_SECRET_ACCESS_KEY: 'local-runtime-secret',
      AWS_REGION: this.deployment.region,
      AWS_DEFAULT_REGION: this.deployment.region,
      // Retries are the state machine's, as in AWS.
      AWS_MAX_ATTEMPTS: '1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: this.options.logLevel ?? 'SILENT',
      // Embedded-metric JSON on stdout would drown the timeline; shown with the logs when asked.
      POWERTOOLS_METRICS_DISABLED: this.options.logLevel === undefined || this.options.logLevel === 'SILENT' ? 'true' : 'false',
    };
    // The functions' own settings reach them through their factories; only Powertools' (which it
    // reads from the environment itself) go to the process, and they must agree.
    for (const fn of this.deployment.functions) {
      for (const [key, value] of Object.entries(fn.environment).filter(([name]) => name.startsWith('POWERTOOLS_'))) {
        if (env[key] !== undefined && env[key] !== value) {
          throw new Error(
            `Functions disagree on environment variable ${key}; the local runtime runs them in one process and needs one value`,
          );
        }
        env[key] = value;
      }
    }
    const previous = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    delete process.env.AWS_PROFILE;
    this.restoreEnv = () => {
      for (const [k, v] of Object.entries(previous)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    };
    this.restoreTime = installVirtualTime(this.clock, this.options.seed ?? 'batch-prediction-poller');
  }

  /** The state machine runs are started on. */
  get stateMachineArn(): string {
    const machine = this.deployment.stateMachines[0];
    if (machine === undefined) throw new Error('The synthesized template has no state machine');
    return machine.arn;
  }

  /**
   * Starts a polling run for `batchPredictionId` as the project's starters do: execution name
   * derived from the id, input `{"batchPredictionId": ...}`.
   */
  startRun(batchPredictionId: unknown): { executionArn: string } {
    const valid = typeof batchPredictionId === 'string' && BATCH_PREDICTION_ID_PATTERN.test(batchPredictionId);
    const name = valid ? executionNameFor(batchPredictionId as string) : executionNameForInvalidId(batchPredictionId);
    return this.stepFunctions.startExecution(this.stateMachineArn, name, { batchPredictionId });
  }

  /** Runs the scenario to the end: every start at time 0, then until nothing is left to do. */
  async run(): Promise<RunResult> {
    for (const bp of this.scenario.batchPredictions) {
      for (let i = 0; i < bp.starts; i++) this.startRun(bp.id);
    }
    this.discovery.start();
    await this.clock.whenIdle();
    await Promise.all(this.stepFunctions.executions.map((e) => e.done));
    return this.result();
  }

  /**
   * Starts the scenario and keeps going (the `--serve` mode): simulated time runs `speed` times
   * faster than real time, the sweeper keeps sweeping, runs can be started (and stopped) over the
   * Step Functions API at any time, and every execution keeps its history.
   */
  serve(speed: number): void {
    // Served executions keep their history, for GetExecutionHistory (aws stepfunctions get-execution-history).
    this.stepFunctions.keepHistory = true;
    // Started before the clock is paced: until then it stands still, so that the scenario's runs
    // begin at time 0 however long starting them takes in real time (12 real ms is 20 simulated
    // minutes at ×100,000), and the paced clock stands still while they work.
    for (const bp of this.scenario.batchPredictions) {
      for (let i = 0; i < bp.starts; i++) this.startRun(bp.id);
    }
    this.discovery.start(true);
    this.clock.pace(speed);
  }

  /** What has happened so far. */
  async result(): Promise<RunResult> {
    const executions = this.stepFunctions.executions.map((e) => this.summarize(e));
    const events = this.orderedEvents();
    const history = await this.historyItems();
    const sum = (pick: (e: ExecutionSummary) => number) => executions.reduce((a, e) => a + pick(e), 0);
    const queues = this.queues.contents();
    return {
      executions,
      events,
      history,
      calls: [...this.machineLearning.calls, ...this.eventBridge.calls, ...this.dynamoDb.calls],
      queues,
      totals: {
        executions: executions.length,
        succeeded: executions.filter((e) => e.status === 'SUCCEEDED').length,
        failed: executions.filter((e) => e.status === 'FAILED').length,
        timedOut: executions.filter((e) => e.status === 'TIMED_OUT').length,
        polls: sum((e) => e.polls),
        stateTransitions: sum((e) => e.stateTransitions),
        historyEvents: sum((e) => e.historyEvents),
        maxHistoryEventsPerExecution: executions.reduce((m, e) => Math.max(m, e.historyEvents), 0),
        events: events.length,
        historyItems: history.length,
        faultsInjected: this.faults.totalInjected(),
        queuedMessages: queues.reduce((a, q) => a + q.messages.length, 0),
        simulatedSeconds: this.clock.elapsedSeconds(),
      },
    };
  }

  /**
   * Stops the stand-ins, closes their endpoints and this runtime's clients, and gives back the
   * real clock and environment. The clock and environment are back when it returns; the promise
   * settles once the endpoints are closed.
   */
  stop(): Promise<void> {
    this.clock.stop();
    for (const client of Object.values(this.clients ?? {})) client.destroy();
    this.clients = undefined;
    const closed = Promise.all(this.standIns.map((standIn) => standIn.stop()));
    this.restoreTime?.();
    this.restoreEnv?.();
    this.restoreTime = undefined;
    this.restoreEnv = undefined;
    return closed.then(() => undefined);
  }

  /** The endpoint of one of this runtime's stand-ins, by service (`sfn`, `dynamodb`, ...), for the `--serve` router. */
  endpointFor(service: string): StandInEndpoint | undefined {
    return this.standIns.find((standIn) => standIn.service === service)?.served;
  }

  private summarize(e: ExecutionRecord): ExecutionSummary {
    const id = batchPredictionIdIn(e.input) ?? null;
    const pollFunctions = this.deployment.functions.filter((f) => f.factory === HANDLER_FACTORY.POLL).map((f) => f.logicalId);
    return {
      name: e.name,
      batchPredictionId: id,
      status: e.status,
      error: e.error ?? null,
      polls: pollFunctions.reduce((a, logicalId) => a + (e.invocations[logicalId] ?? 0), 0),
      stateTransitions: e.counts.stateTransitions,
      historyEvents: e.counts.historyEvents,
      simulatedSeconds: ((e.stopMs ?? this.clock.nowMs()) - e.startMs) / 1000,
    };
  }

  /**
   * Accepted events in delivery order. Events of one batch prediction arrive in the order its run
   * sent them; between batch predictions at the same simulated second the order is the
   * scenario's, so that a scenario's output is the same on every run.
   */
  private orderedEvents(): DeliveredEvent[] {
    const rank = (envelope: EventEnvelope) => this.order.get(String(envelope.detail.batchPredictionId)) ?? Number.MAX_SAFE_INTEGER;
    return [...this.eventBridge.events].sort(
      (a, b) => a.envelope.time.localeCompare(b.envelope.time) || rank(a.envelope) - rank(b.envelope) || a.arrival - b.arrival,
    );
  }

  private async historyItems(): Promise<Record<string, unknown>[]> {
    const items = (await Promise.all(this.deployment.tables.map((t) => this.dynamoDb.scan(t.tableName)))).flat();
    const rank = (item: Record<string, unknown>) => this.order.get(String(item.batchPredictionId)) ?? Number.MAX_SAFE_INTEGER;
    return items.sort(
      (a, b) =>
        rank(a) - rank(b) ||
        String(a.batchPredictionId).localeCompare(String(b.batchPredictionId)) ||
        String(a.transitionKey).localeCompare(String(b.transitionKey)),
    );
  }
}
