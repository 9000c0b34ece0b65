import { createHash } from 'node:crypto';
import { readReferencePath } from '../../core/reference-path';
import { ServiceError } from '../../core/service-error';
import type { RequestListener } from 'node:http';
import { type Operation, awsJsonListener } from '../aws-json-server';
import { parseEventPattern } from '../../core/event-pattern-compiler';
import { matchesEventPattern } from '../../core/event-pattern-matcher';
import { parseJsonKeepingNumberText, withNumberText } from '../../core/json-number-text';
import { type EventPattern, EventPatternError } from '../../core/event-pattern-model';
import type { RuleDefinition, ScheduleDefinition, TargetDefinition } from '../../template/deployment';
import type { FaultPlan } from '../../scenarios/faults';
import type { RecordedCall } from '../../core/recorded-call';
import { batchPredictionIdIn } from '../../../lib/contract/loop-state';
import { ServedStandIn, type StandInClientConfig } from '../stand-in';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

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
  /**
   * The rules created over the API (PutRule) that matched the event. They have no targets here
   * (PutTargets is not served), so this is how a subscriber sees what its rule would receive.
   */
  readonly putRuleMatches: readonly string[];
  /** Order of acceptance; delivery order for events at the same simulated time and id. */
  readonly arrival: number;
}

/** A rule on one of the buses: from the template, or put over the API. */
interface BusRule {
  readonly name: string;
  readonly eventBusName: string;
  /** The template rule's logical ID; undefined for a rule put over the API. */
  readonly logicalId?: string;
  readonly pattern?: EventPattern;
  /** The pattern as the API returns it: the text given to PutRule, or the template's pattern as JSON. */
  readonly eventPatternText?: string;
  readonly scheduleExpression?: string;
  readonly state: RuleState;
  readonly description?: string;
  readonly roleArn?: string;
  readonly targets: readonly TargetDefinition[];
}

/** The states PutRule accepts. @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html */
const RULE_STATES = ['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'] as const;
type RuleState = (typeof RULE_STATES)[number];

/**
 * The fields TestEventPattern requires of the event. The API reference lists `resources` too, but
 * EventBridge accepts an event without it (as LocalStack's recorded AWS behaviour notes), so it is not required here.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html
 */
const TEST_EVENT_REQUIRED_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'];

/** PutRule's name constraint. @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html */
const RULE_NAME = /^[.\-_A-Za-z0-9]+$/;

/**
 * EventBridge stand-in (awsJson1_1, target prefix `AWSEvents`): answers `PutEvents` with
 * per-entry results and `FailedEntryCount`, stores accepted events in envelope form and routes
 * them to the buses' rules with EventBridge pattern semantics. Serves the rule API too:
 * `TestEventPattern`, and `PutRule` / `DeleteRule` / `ListRules` / `DescribeRule` over the
 * template's rules plus those put by clients.
 */
export class EventBridgeStandIn extends ServedStandIn<'eventBridge'> {
  readonly service = 'eventbridge';
  readonly clientKey = 'eventBridge';

  /** The EventBridge client the handlers reach it with. */
  createClient(config: StandInClientConfig): EventBridgeClient {
    return new EventBridgeClient(config);
  }

  readonly calls: RecordedCall[] = [];
  readonly events: DeliveredEvent[] = [];
  private readonly occurrences = new Map<string, number>();
  /** Every rule by bus and name, template rules first, in creation order (delivery order follows it). */
  private readonly busRules = new Map<string, BusRule>();

  constructor(
    private readonly buses: readonly string[],
    rules: readonly RuleDefinition[],
    private readonly faults: FaultPlan,
    private readonly account: string,
    private readonly region: string,
    schedules: readonly ScheduleDefinition[] = [],
  ) {
    super();
    // The template's scheduled rules are listed and described like any other (they run on the default
    // bus, matching no events); the runtime's discovery fires them on the virtual clock.
    for (const schedule of schedules) {
      this.busRules.set(ruleKey('default', schedule.name), {
        name: schedule.name,
        eventBusName: 'default',
        logicalId: schedule.logicalId,
        scheduleExpression: schedule.scheduleExpression,
        state: 'ENABLED',
        targets: schedule.targets,
      });
    }
    for (const rule of rules) {
      this.busRules.set(ruleKey(rule.eventBusName, rule.name), {
        name: rule.name,
        eventBusName: rule.eventBusName,
        logicalId: rule.logicalId,
        pattern: rule.pattern,
        eventPatternText: JSON.stringify(rule.pattern),
        state: 'ENABLED',
        targets: rule.targets,
      });
    }
  }

  protected listener(): RequestListener {
    return awsJsonListener(this.operations(), 'application/x-amz-json-1.1');
  }

  /** The dispatch table: every operation this stand-in serves (docs/local-runtime.md's inventory is checked against it). */
  operations(): Readonly<Record<string, Operation>> {
    return {
      PutEvents: (input) => this.putEvents(input),
      TestEventPattern: (input) => testEventPattern(input),
      PutRule: (input) => this.putRule(input),
      DeleteRule: (input) => this.deleteRule(input),
      ListRules: (input) => this.listRules(input),
      DescribeRule: (input) => this.describeRule(input),
    };
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
    const size = entries.reduce((total, entry) => total + entrySize(entry), 0);
    if (size >= PUT_EVENTS_LIMIT_BYTES) {
      throw new ServiceError('ValidationException', `Total size of the entries in the request is over the limit (${size} bytes).`);
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
    // Matched with the detail's numbers as event-ruler reads them (their text, where a double
    // would change them); delivered as parsed.
    const asMatched = { ...envelope, detail: withNumberText(entry.Detail, detail) };
    const matched = [...this.busRules.values()].filter(
      (rule) =>
        rule.eventBusName === eventBusName &&
        rule.state !== 'DISABLED' &&
        rule.pattern !== undefined &&
        matchesEventPattern(rule.pattern, asMatched),
    );
    const deliveries = matched.flatMap((rule) =>
      rule.targets.map((target) => ({
        ruleLogicalId: rule.logicalId ?? rule.name,
        ruleName: rule.name,
        targetArn: target.arn,
        input: targetInput(target, envelope, rule.name),
      })),
    );
    const putRuleMatches = matched.filter((rule) => rule.logicalId === undefined).map((rule) => rule.name);
    if (keep) this.events.push({ eventBusName, envelope, deliveries, putRuleMatches, arrival: this.events.length });
    for (const delivery of deliveries) this.onDelivery?.(delivery);
    return { EventId: envelope.id };
  }

  /** The bus named by `EventBusName` (a name or an ARN; default `default`); ResourceNotFoundException if it is not served. */
  private servedBus(input: Record<string, unknown>): string {
    const bus = this.busNameOf(input.EventBusName);
    if (!this.buses.includes(bus)) throw new ServiceError('ResourceNotFoundException', `Event bus ${bus} does not exist.`);
    return bus;
  }

  private ruleArn(bus: string, name: string): string {
    // A rule on the default bus has no bus in its ARN; on a custom bus, the bus comes first.
    return `arn:aws:events:${this.region}:${this.account}:rule/${bus === 'default' ? '' : `${bus}/`}${name}`;
  }

  private existingRule(input: Record<string, unknown>): BusRule {
    const bus = this.servedBus(input);
    const name = requiredRuleName(input.Name);
    const rule = this.busRules.get(ruleKey(bus, name));
    if (rule === undefined) throw new ServiceError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus}.`);
    return rule;
  }

  /** PutRule: creates a rule or updates one (targets stay). @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html */
  private putRule(input: Record<string, unknown>): unknown {
    const name = requiredRuleName(input.Name);
    const bus = this.servedBus(input);
    const eventPatternText = optionalString(input.EventPattern, 'eventPattern', 4096);
    const scheduleExpression = optionalString(input.ScheduleExpression, 'scheduleExpression', 256);
    const description = optionalString(input.Description, 'description', 512);
    const roleArn = optionalString(input.RoleArn, 'roleArn', 1600);
    const state = input.State ?? 'ENABLED';
    if (!RULE_STATES.includes(state as RuleState)) {
      throw validation(
        `Value '${String(state)}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [${RULE_STATES.join(', ')}]`,
      );
    }
    if (eventPatternText === undefined && scheduleExpression === undefined) {
      throw new ServiceError('ValidationException', 'Parameter(s) EventPattern or ScheduleExpression must be specified.');
    }
    if (scheduleExpression !== undefined) {
      if (bus !== 'default')
        throw new ServiceError('ValidationException', 'ScheduleExpression is supported only on the default event bus.');
      if (!/^(rate|cron)\(.+\)$/.test(scheduleExpression))
        throw new ServiceError('ValidationException', 'Parameter ScheduleExpression is not valid.');
    }
    const pattern = eventPatternText === undefined ? undefined : patternOrError(eventPatternText);
    const key = ruleKey(bus, name);
    const existing = this.busRules.get(key);
    this.busRules.set(key, {
      name,
      eventBusName: bus,
      logicalId: existing?.logicalId,
      pattern,
      eventPatternText,
      scheduleExpression,
      state: state as RuleState,
      description,
      roleArn,
      targets: existing?.targets ?? [],
    });
    return { RuleArn: this.ruleArn(bus, name) };
  }

  /**
   * DeleteRule: a rule with targets cannot be deleted (the template's rules all have some); deleting a
   * rule that does not exist succeeds, as in EventBridge.
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DeleteRule.html
   */
  private deleteRule(input: Record<string, unknown>): unknown {
    const name = requiredRuleName(input.Name);
    const bus = this.servedBus(input);
    const rule = this.busRules.get(ruleKey(bus, name));
    if (rule === undefined) return {};
    if (rule.targets.length > 0 && input.Force !== true)
      throw new ServiceError('ValidationException', "Rule can't be deleted since it has targets.");
    this.busRules.delete(ruleKey(bus, name));
    return {};
  }

  private describe(rule: BusRule): Record<string, unknown> {
    return {
      Name: rule.name,
      Arn: this.ruleArn(rule.eventBusName, rule.name),
      ...(rule.eventPatternText !== undefined ? { EventPattern: rule.eventPatternText } : {}),
      ...(rule.scheduleExpression !== undefined ? { ScheduleExpression: rule.scheduleExpression } : {}),
      State: rule.state,
      ...(rule.description !== undefined ? { Description: rule.description } : {}),
      ...(rule.roleArn !== undefined ? { RoleArn: rule.roleArn } : {}),
      EventBusName: rule.eventBusName,
    };
  }

  /** DescribeRule. @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeRule.html */
  private describeRule(input: Record<string, unknown>): unknown {
    return { ...this.describe(this.existingRule(input)), CreatedBy: this.account };
  }

  /**
   * ListRules: the bus's rules in name order, `NamePrefix`-filtered, `Limit` (1-100) at a time with
   * an opaque `NextToken`. @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListRules.html
   */
  private listRules(input: Record<string, unknown>): unknown {
    const bus = this.servedBus(input);
    const prefix = optionalString(input.NamePrefix, 'namePrefix', 64) ?? '';
    const limit = input.Limit ?? 100;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw validation(
        `Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value ${Number(limit) < 1 ? 'greater than or equal to 1' : 'less than or equal to 100'}`,
      );
    }
    const after = input.NextToken === undefined ? undefined : nameAfterToken(input.NextToken);
    const rules = [...this.busRules.values()]
      .filter((rule) => rule.eventBusName === bus && rule.name.startsWith(prefix) && (after === undefined || rule.name > after))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const page = rules.slice(0, limit);
    const more = rules.length > limit;
    return { Rules: page.map((rule) => this.describe(rule)), ...(more ? { NextToken: tokenAfter(page[page.length - 1].name) } : {}) };
  }
}

const ruleKey = (bus: string, name: string): string => `${bus}\u0000${name}`;

/** A ValidationException worded as AWS words a constraint failure. */
function validation(problem: string): ServiceError {
  return new ServiceError('ValidationException', `1 validation error detected: ${problem}`);
}

function requiredRuleName(name: unknown): string {
  if (typeof name !== 'string' || name === '')
    throw validation("Value null at 'name' failed to satisfy constraint: Member must not be null");
  if (name.length > 64)
    throw validation(`Value '${name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 64`);
  if (!RULE_NAME.test(name)) {
    throw validation(
      `Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
    );
  }
  return name;
}

function optionalString(value: unknown, member: string, maxLength: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validation(`Value at '${member}' failed to satisfy constraint: Member must be a string`);
  if (value.length > maxLength)
    throw validation(`Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${maxLength}`);
  return value;
}

/** The pattern of an API call, or the InvalidEventPatternException EventBridge answers with. */
function patternOrError(text: string): EventPattern {
  try {
    return parseEventPattern(text);
  } catch (error) {
    if (error instanceof EventPatternError)
      throw new ServiceError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${error.message}`);
    throw error;
  }
}

/**
 * TestEventPattern: `{Result}` for a valid pattern and event; InvalidEventPatternException for a bad
 * pattern; ValidationException for an event that is not JSON or lacks a required field.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html
 */
export function testEventPattern(input: Record<string, unknown>): { Result: boolean } {
  if (typeof input.EventPattern !== 'string')
    throw validation("Value null at 'eventPattern' failed to satisfy constraint: Member must not be null");
  if (typeof input.Event !== 'string') throw validation("Value null at 'event' failed to satisfy constraint: Member must not be null");
  const pattern = patternOrError(input.EventPattern);
  let event: unknown;
  try {
    // Numbers kept as their text where a double would change them, as event-ruler reads events.
    event = parseJsonKeepingNumberText(input.Event);
  } catch {
    throw new ServiceError('ValidationException', 'Parameter Event is not valid.');
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    throw new ServiceError('ValidationException', 'Parameter Event is not valid.');
  const missing = TEST_EVENT_REQUIRED_FIELDS.filter((field) => !Object.hasOwn(event as object, field));
  if (missing.length > 0) {
    throw new ServiceError(
      'ValidationException',
      `Parameter Event is not valid. Reason: the event lacks the required field(s) ${missing.join(', ')}`,
    );
  }
  return { Result: matchesEventPattern(pattern, event) };
}

/** ListRules' NextToken: the last name of the page, so that a rule put between pages is not skipped or repeated. */
function tokenAfter(name: string): string {
  return Buffer.from(JSON.stringify({ after: name }), 'utf8').toString('base64');
}

function nameAfterToken(token: unknown): string {
  try {
    const parsed = JSON.parse(Buffer.from(String(token), 'base64').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through to the error below
  }
  throw new ServiceError('ValidationException', 'The NextToken provided is not valid.');
}

function idInDetail(detail: unknown): string {
  if (typeof detail !== 'string') return '';
  try {
    return batchPredictionIdIn(JSON.parse(detail)) ?? '';
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
      if (inString)
        rendered += typeof value === 'string' ? JSON.stringify(value).slice(1, -1) : value === undefined ? 'null' : JSON.stringify(value);
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

/**
 * `PutEvents`: "The total entry size must be less than 256KB", each entry counted as 14 bytes of
 * `Time` (when given) plus the UTF-8 bytes of `Source`, `DetailType`, `Detail` and each resource.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 */
const PUT_EVENTS_LIMIT_BYTES = 256 * 1024;

function entrySize(entry: Record<string, unknown>): number {
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (
    (entry.Time === undefined ? 0 : 14) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    resources.reduce((total: number, r: unknown) => total + bytes(r), 0)
  );
}
