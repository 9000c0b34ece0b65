import { createHash } from 'node:crypto';
import { readReferencePath } from './asl';
import { Operation, ServiceError, SharedEndpoint, awsJsonListener } from './aws-json-server';
import { EventPattern, matchesEventPattern } from './event-pattern';
import { FaultPlan } from './faults';
import { RecordedCall } from './machine-learning-stand-in';

/** A rule target as the template defines it. */
export interface TargetDefinition {
  readonly id: string;
  readonly arn: string;
  readonly input?: string;
  readonly inputPath?: string;
  readonly inputTransformer?: { readonly InputPathsMap?: Record<string, string>; readonly InputTemplate: string };
}

/** A rule as the template defines it. */
export interface RuleDefinition {
  readonly logicalId: string;
  readonly name: string;
  readonly eventBusName: string;
  readonly pattern: EventPattern;
  readonly targets: readonly TargetDefinition[];
}

/** An event in EventBridge's envelope form. */
export interface EventEnvelope {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

/** One event handed by a rule to a target. */
export interface Delivery {
  readonly ruleLogicalId: string;
  readonly ruleName: string;
  readonly targetArn: string;
  /** What the target receives: the transformed input (a string for a text template). */
  readonly input: unknown;
}

/** An event the bus accepted, with where it went. */
export interface DeliveredEvent {
  readonly eventBusName: string;
  readonly envelope: EventEnvelope;
  readonly deliveries: readonly Delivery[];
  /** Order of acceptance; delivery order for events at the same simulated time and id. */
  readonly arrival: number;
}

/**
 * EventBridge stand-in (awsJson1_1, target prefix `AWSEvents`): answers `PutEvents` with
 * per-entry results and `FailedEntryCount`, stores accepted events in envelope form and routes
 * them to the template's rules with EventBridge pattern semantics.
 */
export class EventBridgeStandIn {
  readonly calls: RecordedCall[] = [];
  readonly events: DeliveredEvent[] = [];
  private readonly occurrences = new Map<string, number>();
  private endpoint?: SharedEndpoint;

  constructor(
    private readonly buses: readonly string[],
    private readonly rules: readonly RuleDefinition[],
    private readonly faults: FaultPlan,
    private readonly account: string,
    private readonly region: string,
  ) {}

  async start(): Promise<string> {
    this.endpoint = await SharedEndpoint.for('eventbridge');
    this.endpoint.attach(awsJsonListener(this.operations(), 'application/x-amz-json-1.1'));
    return this.endpoint.endpoint;
  }

  /** The dispatch table: every operation this stand-in serves (the README's inventory is checked against it). */
  operations(): Readonly<Record<string, Operation>> {
    return { PutEvents: (input) => this.putEvents(input) };
  }

  /** Detaches from the shared endpoint. */
  stop(): void {
    this.endpoint?.detach();
    this.endpoint = undefined;
  }

  private busNameOf(nameOrArn: unknown): string {
    if (typeof nameOrArn !== 'string' || nameOrArn === '') return 'default';
    const marker = ':event-bus/';
    const at = nameOrArn.indexOf(marker);
    return at === -1 ? nameOrArn : nameOrArn.slice(at + marker.length);
  }

  private putEvents(input: Record<string, unknown>): unknown {
    const entries = Array.isArray(input.Entries) ? (input.Entries as Record<string, unknown>[]) : [];
    if (entries.length < 1 || entries.length > 10) {
      throw new ServiceError('ValidationException', `PutEvents takes 1 to 10 entries, got ${entries.length}`);
    }
    const ids = entries.map((e) => idInDetail(e.Detail));
    for (const entry of entries) {
      this.calls.push({ service: 'events', operation: 'PutEvents', resource: this.busNameOf(entry.EventBusName) });
    }
    const fault = this.faults.take('PutEvents', ids);
    if (fault?.kind === 'error' && !fault.after) throw fault.error;
    const unknownBus = entries.map((e) => this.busNameOf(e.EventBusName)).find((bus) => !this.buses.includes(bus));
    if (unknownBus !== undefined) throw new ServiceError('ResourceNotFoundException', `Event bus ${unknownBus} does not exist.`);

    let failEntries = fault?.kind === 'failEntries' ? fault.count : 0;
    const results = entries.map((entry) => {
      if (failEntries > 0) {
        failEntries--;
        return { ErrorCode: 'InternalFailure', ErrorMessage: 'Injected fault: entry failed' };
      }
      return this.accept(entry);
    });
    // An "after" fault: the entries were accepted and delivered, yet the caller sees the call fail.
    if (fault?.kind === 'error') throw fault.error;
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  /**
   * Called for every delivery to a target, so that the runtime can run Lambda targets (the
   * discovery and sweeper rules' starter).
   */
  onDelivery?: (delivery: Delivery) => void;

  /**
   * An event AWS itself puts on a bus (e.g. CloudTrail's `AWS API Call via CloudTrail` on the
   * default bus): routed to the rules like any other, but not one of the poller's events, so it is
   * not kept in {@link events}.
   */
  emitAwsEvent(entry: { Source: string; DetailType: string; Detail: string; EventBusName?: string }): void {
    this.accept({ ...entry, EventBusName: entry.EventBusName ?? 'default' }, false);
  }

  private accept(entry: Record<string, unknown>, keep = true): { EventId: string } | { ErrorCode: string; ErrorMessage: string } {
    if (typeof entry.Source !== 'string' || typeof entry.DetailType !== 'string' || typeof entry.Detail !== 'string') {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source, DetailType and Detail are required.' };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail must be a JSON object.' };
    }
    const timeMs = typeof entry.Time === 'number' ? entry.Time * 1000 : Date.now();
    const eventBusName = this.busNameOf(entry.EventBusName);
    // Real event ids are random; here they derive from the content (and how often it was seen),
    // so a scenario's output is the same on every run.
    const contentKey = JSON.stringify([eventBusName, entry.Source, entry.DetailType, entry.Detail, timeMs]);
    const seen = this.occurrences.get(contentKey) ?? 0;
    this.occurrences.set(contentKey, seen + 1);
    const envelope: EventEnvelope = {
      version: '0',
      id: uuidOf(`${contentKey}#${seen}`),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.account,
      time: new Date(Math.floor(timeMs / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
      region: this.region,
      resources: Array.isArray(entry.Resources) ? (entry.Resources as string[]) : [],
      detail: detail as Record<string, unknown>,
    };
    const deliveries = this.rules
      .filter((rule) => rule.eventBusName === eventBusName && matchesEventPattern(rule.pattern, envelope))
      .flatMap((rule) => rule.targets.map((target) => ({ ruleLogicalId: rule.logicalId, ruleName: rule.name, targetArn: target.arn, input: targetInput(target, envelope, rule.name) })));
    if (keep) this.events.push({ eventBusName, envelope, deliveries, arrival: this.events.length });
    for (const delivery of deliveries) this.onDelivery?.(delivery);
    return { EventId: envelope.id };
  }
}

function idInDetail(detail: unknown): string {
  if (typeof detail !== 'string') return '';
  try {
    const parsed = JSON.parse(detail) as Record<string, unknown>;
    return typeof parsed.batchPredictionId === 'string' ? parsed.batchPredictionId : '';
  } catch {
    return '';
  }
}

function uuidOf(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * What a target receives, following EventBridge's Input / InputPath / InputTransformer rules.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
export function targetInput(target: TargetDefinition, envelope: EventEnvelope, ruleName: string): unknown {
  if (target.input !== undefined) return parseOrText(target.input);
  if (target.inputPath !== undefined) return readPath(envelope, target.inputPath);
  if (target.inputTransformer === undefined) return envelope;
  const values: Record<string, unknown> = {
    'aws.events.rule-name': ruleName,
    'aws.events.event.ingestion-time': envelope.time,
    // As documented: `aws.events.event` is the event without its `detail`; `.json` the whole event.
    'aws.events.event': Object.fromEntries(Object.entries(envelope).filter(([key]) => key !== 'detail')),
    'aws.events.event.json': envelope,
  };
  for (const [name, path] of Object.entries(target.inputTransformer.InputPathsMap ?? {})) values[name] = readPath(envelope, path);
  const template = target.inputTransformer.InputTemplate;
  // Inside a JSON string literal a value goes in as its text; outside one, as JSON (so a string
  // gets its quotes), which is how EventBridge renders `{"id": <id>}` and `"id <id>"` alike.
  let rendered = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    const placeholder = ch === '<' ? /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i)) : null;
    if (placeholder !== null && placeholder[1] in values) {
      const value = values[placeholder[1]];
      if (inString) rendered += typeof value === 'string' ? JSON.stringify(value).slice(1, -1) : value === undefined ? 'null' : JSON.stringify(value);
      else rendered += value === undefined ? 'null' : JSON.stringify(value);
      i += placeholder[0].length - 1;
      continue;
    }
    if (ch === '\\' && inString) {
      rendered += ch + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') inString = !inString;
    rendered += ch;
  }
  return parseOrText(rendered);
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Reads a simple JSONPath (`$.detail.a.b`, array indices too: `$.resources[0]`) from the envelope. */
function readPath(envelope: EventEnvelope, path: string): unknown {
  return readReferencePath(envelope, path);
}
