/**
 * Resolves CloudFormation intrinsic functions in a synthesized template value into plain values, so the
 * local runtime can execute the exact Step Functions definition CDK synthesizes instead of a hand-written copy.
 *
 * Physical names are deterministic (`<stackName>-<LogicalId>` unless the template sets an explicit name) so the
 * runtime can create its fake tables, buses and functions under the same names the definition refers to.
 */
import { createHash } from 'node:crypto';

/** Structured details of an {@link IntrinsicResolutionError}, for callers that want more than the message. */
export interface IntrinsicErrorDetails {
  /** The intrinsic function being resolved, e.g. `Fn::GetAtt`. */
  readonly fn?: string;
  /** The logical id (or parameter / condition name) involved, if any. */
  readonly logicalId?: string;
  /** JSONPath-like location inside the value passed to the resolver, e.g. `$.DefinitionString["Fn::Join"][1][3]`. */
  readonly path?: string;
}

/**
 * Thrown when a template value uses an intrinsic the resolver does not support, or refers to an unknown
 * resource/parameter; the message names the function, the logical id and the path.
 */
export class IntrinsicResolutionError extends Error {
  /**
   * @param message - human-readable description, already naming function, logical id and path
   * @param details - the same facts in structured form
   */
  constructor(
    message: string,
    readonly details: IntrinsicErrorDetails = {},
  ) {
    super(message);
    this.name = 'IntrinsicResolutionError';
  }
}

/** What the resolver needs to know about the (fake) deployment. */
export interface ResolveContext {
  /** Account id used in ARNs and `AWS::AccountId`, e.g. `123456789012`. */
  readonly account: string;
  /** Region used in ARNs and `AWS::Region`, e.g. `us-east-1`. */
  readonly region: string;
  /** `AWS::Partition`; default `aws`. */
  readonly partition?: string;
  /** `AWS::StackName` and prefix of generated physical names; default `local-stack`. */
  readonly stackName?: string;
  /** `AWS::URLSuffix`; default `amazonaws.com`. */
  readonly urlSuffix?: string;
  /** The template's Resources section, used for Ref and Fn::GetAtt. */
  readonly resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  /**
   * Parameter values by name (e.g. CDK's BootstrapVersion). An entry may also be the template's parameter
   * declaration (`{ Type, Default }`) — parameter values are never objects — in which case its `Default` is used,
   * so the template's `Parameters` section can be passed as-is.
   */
  readonly parameters?: Record<string, unknown>;
  /**
   * Optional overrides: a physical id or attribute value for a logical id, consulted before the defaults.
   * Key `LogicalId` for Ref, `LogicalId.Attr` for GetAtt.
   */
  readonly overrides?: Record<string, unknown>;
  /**
   * The template's Conditions section, needed only for `Fn::If`. A condition may be a plain boolean or a
   * condition expression (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`).
   */
  readonly conditions?: Record<string, unknown>;
}

type Props = Record<string, unknown>;

/** The context with defaults applied. */
interface Env {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly stackName: string;
  readonly urlSuffix: string;
}

/** A resource's derived identifiers, handed to the per-type Ref/GetAtt functions. */
interface Named {
  readonly name: string;
  readonly arn: string;
  readonly env: Env;
}

/** How one resource type is named and what its Ref and attributes return. */
interface TypeSpec {
  /** Property holding an explicit physical name, which wins over the generated one. */
  readonly nameProp?: string;
  /** Generated name when `nameProp` is not set; default `<stackName>-<LogicalId>`. */
  readonly defaultName?: (logicalId: string, env: Env, props: Props) => string;
  readonly arn: (name: string, env: Env, props: Props, ctx: ResolveContext, logicalId: string) => string;
  readonly ref: (n: Named) => string;
  readonly attrs: Readonly<Record<string, (n: Named) => string>>;
}

/** Marker for `Ref: AWS::NoValue`; containers drop keys/elements holding it, as CloudFormation does. */
const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

const byName = (n: Named): string => n.name;
const byArn = (n: Named): string => n.arn;
const generatedName = (logicalId: string, env: Env): string => `${env.stackName}-${logicalId}`;
/** Generated FIFO queue/topic names must end in `.fifo`, or the real service would reject them. */
const fifoAware =
  (flag: string) =>
  (logicalId: string, env: Env, props: Props): string =>
    generatedName(logicalId, env) + (props[flag] === true || props[flag] === 'true' ? '.fifo' : '');
/** `arn:<partition>:<service>:<region>:<account>:<resource><name>` for ordinary regional resources. */
const regionalArn =
  (service: string, resource: string) =>
  (name: string, e: Env): string =>
    `arn:${e.partition}:${service}:${e.region}:${e.account}:${resource}${name}`;

/** Stable uuid-shaped id (v4 layout) so KMS key ids and stack ids are the same on every run. */
function uuidish(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const SPECS: Readonly<Record<string, TypeSpec>> = {
  'AWS::Lambda::Function': {
    nameProp: 'FunctionName',
    arn: regionalArn('lambda', 'function:'),
    ref: byName,
    attrs: { Arn: byArn },
  },
  'AWS::DynamoDB::Table': {
    nameProp: 'TableName',
    arn: regionalArn('dynamodb', 'table/'),
    ref: byName,
    // A fixed stream label keeps StreamArn deterministic; nothing local depends on its timestamp.
    attrs: { Arn: byArn, StreamArn: (n) => `${n.arn}/stream/1970-01-01T00:00:00.000` },
  },
  'AWS::Events::EventBus': {
    nameProp: 'Name',
    arn: regionalArn('events', 'event-bus/'),
    ref: byName,
    attrs: { Arn: byArn, Name: byName },
  },
  'AWS::SNS::Topic': {
    nameProp: 'TopicName',
    defaultName: fifoAware('FifoTopic'),
    arn: regionalArn('sns', ''),
    ref: byArn, // CloudFormation's Ref of a topic is its ARN, not its name
    attrs: { TopicArn: byArn, TopicName: byName },
  },
  'AWS::SQS::Queue': {
    nameProp: 'QueueName',
    defaultName: fifoAware('FifoQueue'),
    arn: regionalArn('sqs', ''),
    ref: queueUrl, // CloudFormation's Ref of a queue is its URL
    attrs: { Arn: byArn, QueueName: byName, QueueUrl: queueUrl },
  },
  'AWS::StepFunctions::StateMachine': {
    nameProp: 'StateMachineName',
    arn: regionalArn('states', 'stateMachine:'),
    ref: byArn,
    attrs: { Arn: byArn, Name: byName },
  },
  'AWS::IAM::Role': {
    nameProp: 'RoleName',
    // IAM is global: no region in the ARN, and the role's Path becomes part of it.
    arn: (name, e, props) => `arn:${e.partition}:iam::${e.account}:role${typeof props.Path === 'string' ? props.Path : '/'}${name}`,
    ref: byName,
    attrs: { Arn: byArn },
  },
  'AWS::Logs::LogGroup': {
    nameProp: 'LogGroupName',
    arn: (name, e) => `arn:${e.partition}:logs:${e.region}:${e.account}:log-group:${name}:*`,
    ref: byName,
    attrs: { Arn: byArn },
  },
  'AWS::KMS::Key': {
    defaultName: (logicalId, e) => uuidish(`${e.stackName}/${logicalId}`),
    arn: regionalArn('kms', 'key/'),
    ref: byName,
    attrs: { Arn: byArn, KeyId: byName },
  },
  'AWS::Events::Rule': {
    nameProp: 'Name',
    // Rules on a custom bus carry the bus name in their ARN.
    arn: (name, e, props, ctx, logicalId) => {
      const bus = stringProp(props, 'EventBusName', ctx, logicalId)?.replace(/^arn:.*:event-bus\//, '');
      return regionalArn('events', bus && bus !== 'default' ? `rule/${bus}/` : 'rule/')(name, e);
    },
    ref: byName,
    attrs: { Arn: byArn },
  },
  'AWS::Scheduler::Schedule': {
    nameProp: 'Name',
    arn: (name, e, props, ctx, logicalId) =>
      regionalArn('scheduler', `schedule/${stringProp(props, 'GroupName', ctx, logicalId) ?? 'default'}/`)(name, e),
    ref: byName,
    attrs: { Arn: byArn },
  },
  'AWS::EventSchemas::Registry': {
    nameProp: 'RegistryName',
    arn: regionalArn('schemas', 'registry/'),
    ref: byArn,
    attrs: { RegistryArn: byArn, RegistryName: byName },
  },
};

function queueUrl(n: Named): string {
  return `https://sqs.${n.env.region}.${n.env.urlSuffix}/${n.env.account}/${n.name}`;
}

/** Any type without a spec still gets a usable Ref and Arn; other attributes fail so they get added on purpose. */
function genericSpec(type: string): TypeSpec {
  const service = (type.split('::')[1] ?? type).toLowerCase();
  return {
    arn: (_name, e, _props, _ctx, logicalId) => `arn:${e.partition}:${service}:${e.region}:${e.account}:${logicalId}`,
    ref: byName,
    attrs: { Arn: byArn },
  };
}

const specFor = (type: string): TypeSpec => SPECS[type] ?? genericSpec(type);

function envOf(ctx: ResolveContext): Env {
  return {
    account: ctx.account,
    region: ctx.region,
    partition: ctx.partition ?? 'aws',
    stackName: ctx.stackName ?? 'local-stack',
    urlSuffix: ctx.urlSuffix ?? 'amazonaws.com',
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasOwn = (o: object | undefined, k: string): boolean => o !== undefined && Object.hasOwn(o, k);

/** Appends a key to a JSONPath-like location, quoting keys such as `Fn::Join` that are not identifiers. */
function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function fail(fn: string, path: string, detail: string, logicalId?: string): never {
  const id = logicalId === undefined ? '' : ` (logical id '${logicalId}')`;
  throw new IntrinsicResolutionError(`${fn}: ${detail}${id} at ${path}`, { fn, logicalId, path });
}

/** Coerces a resolved value to the string CloudFormation would splice into a Join/Sub. */
function scalar(v: unknown, fn: string, path: string): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return fail(fn, path, `expected a string but got ${v === NO_VALUE ? 'AWS::NoValue' : JSON.stringify(v)}`);
}

/**
 * Resolves every intrinsic in `value` (deep) and returns a new value; the input is not modified.
 * `Ref: AWS::NoValue` removes the enclosing key or array element; at the top level it yields `undefined`.
 *
 * @throws IntrinsicResolutionError for unsupported intrinsics, unknown logical ids/parameters/attributes.
 */
export function resolveIntrinsics(value: unknown, context: ResolveContext): unknown {
  const out = resolve(value, context, '$');
  return out === NO_VALUE ? undefined : out;
}

function resolve(value: unknown, ctx: ResolveContext, path: string): unknown {
  if (Array.isArray(value)) {
    return value.map((v, i) => resolve(v, ctx, child(path, i))).filter((v) => v !== NO_VALUE);
  }
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  // An intrinsic is an object with exactly one key that is `Ref` or `Fn::*`; anything else is plain data.
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    return resolveIntrinsic(keys[0], value[keys[0]], ctx, child(path, keys[0]));
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = resolve(value[k], ctx, child(path, k));
    if (v !== NO_VALUE) out[k] = v;
  }
  return out;
}

function resolveIntrinsic(fn: string, raw: unknown, ctx: ResolveContext, path: string): unknown {
  switch (fn) {
    case 'Ref':
      // CloudFormation only accepts a literal name here, so there is nothing to resolve first.
      if (typeof raw !== 'string') return fail(fn, path, `expected a logical id string but got ${JSON.stringify(raw)}`);
      return refValue(raw, ctx, path, fn);
    case 'Fn::GetAtt': {
      const args = resolve(raw, ctx, path);
      if (typeof args === 'string' && args.includes('.')) {
        const dot = args.indexOf('.'); // attribute names may contain dots (Endpoint.Address), ids cannot
        return getAttValue(args.slice(0, dot), args.slice(dot + 1), ctx, path, fn);
      }
      if (Array.isArray(args) && args.length === 2 && typeof args[0] === 'string' && typeof args[1] === 'string') {
        return getAttValue(args[0], args[1], ctx, path, fn);
      }
      return fail(fn, path, `expected [logicalId, attribute] or "logicalId.attribute" but got ${JSON.stringify(args)}`);
    }
    case 'Fn::Join': {
      const args = resolve(raw, ctx, path);
      if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== 'string' || !Array.isArray(args[1])) {
        return fail(fn, path, `expected [delimiter, [values]] but got ${JSON.stringify(args)}`);
      }
      const delimiter = args[0];
      return args[1].map((v: unknown, i: number) => scalar(v, fn, child(child(path, 1), i))).join(delimiter);
    }
    case 'Fn::Sub':
      return substitute(raw, ctx, path);
    case 'Fn::Select': {
      const args = resolve(raw, ctx, path);
      if (!Array.isArray(args) || args.length !== 2 || !Array.isArray(args[1])) {
        return fail(fn, path, `expected [index, [values]] but got ${JSON.stringify(args)}`);
      }
      const index = Number(args[0]);
      if (!Number.isInteger(index) || index < 0 || index >= args[1].length) {
        return fail(fn, path, `index ${JSON.stringify(args[0])} is out of range for a list of ${args[1].length}`);
      }
      return args[1][index];
    }
    case 'Fn::Split': {
      const args = resolve(raw, ctx, path);
      if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== 'string' || typeof args[1] !== 'string') {
        return fail(fn, path, `expected [delimiter, string] but got ${JSON.stringify(args)}`);
      }
      return args[1].split(args[0]);
    }
    case 'Fn::If': {
      if (!Array.isArray(raw) || raw.length !== 3 || typeof raw[0] !== 'string') {
        return fail(fn, path, `expected [conditionName, valueIfTrue, valueIfFalse] but got ${JSON.stringify(raw)}`);
      }
      // Only the chosen branch is resolved, as in CloudFormation, so the other may reference absent things.
      const branch = evaluateNamedCondition(raw[0], ctx, child(path, 0), []) ? 1 : 2;
      return resolve(raw[branch], ctx, child(path, branch));
    }
    case 'Fn::ImportValue': {
      const name = resolve(raw, ctx, path);
      return fail(
        fn,
        path,
        `cross-stack export ${JSON.stringify(name)} is not available to the local runtime; deploy it as a parameter or resolve it before`,
      );
    }
    default:
      return fail(fn, path, 'intrinsic function is not supported by the local resolver');
  }
}

/** `Ref`: overrides, then pseudo parameters, then parameters, then resources. */
function refValue(name: string, ctx: ResolveContext, path: string, fn: string): unknown {
  if (hasOwn(ctx.overrides, name)) return ctx.overrides?.[name];
  const env = envOf(ctx);
  if (name.startsWith('AWS::')) {
    switch (name) {
      case 'AWS::AccountId':
        return env.account;
      case 'AWS::Region':
        return env.region;
      case 'AWS::Partition':
        return env.partition;
      case 'AWS::StackName':
        return env.stackName;
      case 'AWS::URLSuffix':
        return env.urlSuffix;
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::StackId':
        return `arn:${env.partition}:cloudformation:${env.region}:${env.account}:stack/${env.stackName}/${uuidish(env.stackName)}`;
      default:
        return fail(fn, path, `unknown pseudo parameter '${name}'`);
    }
  }
  if (hasOwn(ctx.parameters, name)) {
    const p = ctx.parameters?.[name];
    if (!isRecord(p)) return p;
    // A declaration rather than a value: fall back to its Default like an un-overridden deployment would.
    if (hasOwn(p, 'Default')) return p.Default;
    return fail(fn, path, 'parameter has no value and no Default', name);
  }
  const resource = ctx.resources[name];
  if (resource === undefined) return fail(fn, path, 'unknown resource or parameter', name);
  const spec = specFor(resource.Type);
  return spec.ref(named(name, resource.Type, resource.Properties, ctx));
}

function getAttValue(logicalId: string, attr: string, ctx: ResolveContext, path: string, fn: string): unknown {
  const key = `${logicalId}.${attr}`;
  if (hasOwn(ctx.overrides, key)) return ctx.overrides?.[key];
  const resource = ctx.resources[logicalId];
  if (resource === undefined) return fail(fn, path, 'unknown resource', logicalId);
  const getter = specFor(resource.Type).attrs[attr];
  if (getter === undefined) {
    return fail(
      fn,
      path,
      `attribute '${attr}' of ${resource.Type} is not supported; add it to the resolver or pass overrides['${key}']`,
      logicalId,
    );
  }
  return getter(named(logicalId, resource.Type, resource.Properties, ctx));
}

function named(logicalId: string, type: string, props: Props | undefined, ctx: ResolveContext): Named {
  return { name: physicalIdOf(logicalId, type, props, ctx), arn: arnOf(logicalId, type, props, ctx), env: envOf(ctx) };
}

/**
 * The context while explicit names are being resolved: the logical ids whose name property is being
 * resolved on the way here, to turn a circular reference into an error, not a stack overflow. It
 * travels with the resolution (as `seen` does for conditions), so no state outlives a call.
 */
interface NamingContext extends ResolveContext {
  readonly resolvingNames?: readonly string[];
}

/** Reads a string property that may itself be an intrinsic (e.g. `TableName: {Fn::Sub: ...}`). */
function stringProp(props: Props, key: string, ctx: NamingContext, logicalId: string): string | undefined {
  if (props[key] === undefined) return undefined;
  const path = `$.Resources.${logicalId}.Properties.${key}`;
  const resolving = ctx.resolvingNames ?? [];
  if (resolving.includes(logicalId)) return fail('Ref', path, 'circular reference while resolving a name', logicalId);
  const inner: NamingContext = { ...ctx, resolvingNames: [...resolving, logicalId] };
  return scalar(resolve(props[key], inner, path), 'Ref', path);
}

/**
 * The deterministic physical *name* of a resource: its explicit name property (`FunctionName`, `TableName`,
 * `StateMachineName`, `Name`, `TopicName`, `QueueName`, `RoleName`, `LogGroupName`, `RegistryName`) if set,
 * else `<stackName>-<LogicalId>` (plus `.fifo` for FIFO queues/topics; a uuid-shaped key id for KMS keys).
 * This is what the runtime should create the resource as; note it can differ from what `Ref` returns
 * (a topic's or state machine's ARN, a queue's URL).
 */
export function physicalIdOf(
  logicalId: string,
  resourceType: string,
  properties: Record<string, unknown> | undefined,
  context: ResolveContext,
): string {
  const spec = specFor(resourceType);
  const props = properties ?? {};
  const explicit = spec.nameProp === undefined ? undefined : stringProp(props, spec.nameProp, context, logicalId);
  return explicit ?? (spec.defaultName ?? generatedName)(logicalId, envOf(context), props);
}

/**
 * The deterministic ARN of a resource, built from {@link physicalIdOf} in the service's real ARN format;
 * types without a known format get `arn:<partition>:<service>:<region>:<account>:<LogicalId>`.
 */
export function arnOf(
  logicalId: string,
  resourceType: string,
  properties: Record<string, unknown> | undefined,
  context: ResolveContext,
): string {
  const props = properties ?? {};
  const name = physicalIdOf(logicalId, resourceType, props, context);
  return specFor(resourceType).arn(name, envOf(context), props, context, logicalId);
}

/** Evaluates a named entry of `context.conditions`; `seen` guards against conditions referring to each other in a loop. */
function evaluateNamedCondition(name: string, ctx: ResolveContext, path: string, seen: readonly string[]): boolean {
  if (!hasOwn(ctx.conditions, name)) {
    return fail('Fn::If', path, 'unknown condition (pass the template Conditions as context.conditions)', name);
  }
  if (seen.includes(name)) return fail('Condition', path, 'circular condition', name);
  return evaluateCondition(ctx.conditions?.[name], ctx, `$.Conditions.${name}`, [...seen, name]);
}

function evaluateCondition(expr: unknown, ctx: ResolveContext, path: string, seen: readonly string[]): boolean {
  if (typeof expr === 'boolean') return expr;
  const [fn, raw] = isRecord(expr) && Object.keys(expr).length === 1 ? Object.entries(expr)[0] : ['', undefined];
  const args = Array.isArray(raw) ? raw : [];
  const at = child(path, fn);
  switch (fn) {
    case 'Condition':
      if (typeof raw !== 'string') return fail(fn, at, 'expected a condition name');
      return evaluateNamedCondition(raw, ctx, at, seen);
    case 'Fn::Equals': {
      if (args.length !== 2) return fail(fn, at, 'expected two values');
      const [a, b] = args.map((v, i) => resolve(v, ctx, child(at, i)));
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not':
      if (args.length !== 1) return fail(fn, at, 'expected one condition');
      return !evaluateCondition(args[0], ctx, child(at, 0), seen);
    case 'Fn::And':
      return args.every((c, i) => evaluateCondition(c, ctx, child(at, i), seen));
    case 'Fn::Or':
      return args.some((c, i) => evaluateCondition(c, ctx, child(at, i), seen));
    default:
      return fail(fn || 'Condition', path, `unsupported condition expression ${JSON.stringify(expr)}`);
  }
}

/** `Fn::Sub` in both forms; `${!X}` is CloudFormation's escape for a literal `${X}`. */
function substitute(raw: unknown, ctx: ResolveContext, path: string): string {
  const fn = 'Fn::Sub';
  const args = Array.isArray(raw) ? raw : [raw, {}];
  const template = resolve(args[0], ctx, Array.isArray(raw) ? child(path, 0) : path);
  const vars = resolve(args[1], ctx, child(path, 1));
  if (args.length !== 2 || typeof template !== 'string' || !isRecord(vars)) {
    return fail(fn, path, `expected "template" or ["template", {variables}] but got ${JSON.stringify(raw)}`);
  }
  return template.replace(/\$\{([^}]*)\}/g, (_whole, inner: string) => {
    if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
    const name = inner.trim();
    if (hasOwn(vars, name)) return scalar(vars[name], fn, child(child(path, 1), name));
    const dot = name.startsWith('AWS::') ? -1 : name.indexOf('.');
    const value = dot < 0 ? refValue(name, ctx, path, fn) : getAttValue(name.slice(0, dot), name.slice(dot + 1), ctx, path, fn);
    return scalar(value, fn, path);
  });
}

/**
 * Resolves `DefinitionString` (or the object form `Definition`) plus `DefinitionSubstitutions` of an
 * `AWS::StepFunctions::StateMachine` resource's Properties into the parsed ASL object.
 * Substitutions are spliced in as raw text, like Step Functions does; `${Name}` placeholders without a
 * substitution are left alone, since they may be legitimate literal text in the definition.
 *
 * @throws IntrinsicResolutionError if an intrinsic cannot be resolved or the result is not a JSON object.
 */
export function resolveStateMachineDefinition(properties: Record<string, unknown>, context: ResolveContext): Record<string, unknown> {
  const subsPath = '$.DefinitionSubstitutions';
  const subs = resolve(properties.DefinitionSubstitutions ?? {}, context, subsPath);
  if (!isRecord(subs)) return fail('DefinitionSubstitutions', subsPath, 'expected an object');
  const apply = (text: string): string =>
    text.replace(/\$\{([^}]+)\}/g, (whole, name: string) =>
      hasOwn(subs, name) ? scalar(subs[name], 'DefinitionSubstitutions', child(subsPath, name)) : whole,
    );

  if (properties.DefinitionString !== undefined) {
    const path = '$.DefinitionString';
    const text = resolve(properties.DefinitionString, context, path);
    if (typeof text !== 'string') return fail('DefinitionString', path, 'did not resolve to a string');
    let parsed: unknown;
    try {
      parsed = JSON.parse(apply(text));
    } catch (e) {
      return fail('DefinitionString', path, `is not valid JSON after resolution: ${(e as Error).message}`);
    }
    if (!isRecord(parsed)) return fail('DefinitionString', path, 'is not a JSON object');
    return parsed;
  }
  if (properties.Definition !== undefined) {
    const definition = resolve(properties.Definition, context, '$.Definition');
    const deepApply = (v: unknown): unknown =>
      typeof v === 'string'
        ? apply(v)
        : Array.isArray(v)
          ? v.map(deepApply)
          : isRecord(v)
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deepApply(x)]))
            : v;
    const out = deepApply(definition);
    if (!isRecord(out)) return fail('Definition', '$.Definition', 'is not an object');
    return out;
  }
  const what =
    properties.DefinitionS3Location !== undefined ? 'DefinitionS3Location is not supported locally' : 'no Definition or DefinitionString';
  return fail('StateMachine', '$', what);
}
