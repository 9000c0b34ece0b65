/**
 * The CLI's clock is the endpoint's: the `Date` of its latest answer (errors included), read by a
 * middleware on the real SDK clients; the local clock only until an answer has one.
 */
import { Readable } from 'node:stream';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { EndpointClock } from '../../cli/endpoint-clock';

const LOCAL = new Date('2026-03-01T12:00:00.000Z');

/** A real client whose HTTP handler answers in-process with `status`, `body` and a `Date` header. */
function clientAnswering(statusCode: number, body: unknown, date: string | undefined): SFNClient {
  return new SFNClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: {
      handle: async () => ({
        response: {
          statusCode,
          headers: { 'content-type': 'application/x-amz-json-1.0', ...(date === undefined ? {} : { date }) },
          body: Readable.from([Buffer.from(JSON.stringify(body))]),
        },
      }),
    } as never,
  });
}

const EXECUTION = {
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:e',
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m',
  status: 'RUNNING',
  startDate: 1,
};

describe('EndpointClock', () => {
  it('is the local clock until an answer arrives', () => {
    expect(new EndpointClock(() => LOCAL).now()).toEqual(LOCAL);
  });

  it.each([
    ['an IMF-fixdate', 'Mon, 05 Jan 2026 02:00:07 GMT', '2026-01-05T02:00:07.999Z'],
    ['no header', undefined, LOCAL.toISOString()],
    ['an unparseable header', 'yesterday-ish', LOCAL.toISOString()],
  ])('after %s: %s', (_case, header, expected) => {
    const clock = new EndpointClock(() => LOCAL);
    clock.observe(header);
    // The end of the answer's second: the server read its clock somewhere in it.
    expect(clock.now().toISOString()).toBe(expected);
  });

  it('reads the Date of each answer a watched client receives, an error answer included', async () => {
    const clock = new EndpointClock(() => LOCAL);
    const ok = clientAnswering(200, EXECUTION, 'Mon, 05 Jan 2026 02:00:07 GMT');
    const failing = clientAnswering(400, { __type: 'ExecutionDoesNotExist', message: 'nope' }, 'Tue, 06 Jan 2026 00:00:00 GMT');
    clock.watch(ok, failing);
    await ok.send(new DescribeExecutionCommand({ executionArn: EXECUTION.executionArn }));
    expect(clock.now().toISOString()).toBe('2026-01-05T02:00:07.999Z');
    await expect(failing.send(new DescribeExecutionCommand({ executionArn: EXECUTION.executionArn }))).rejects.toHaveProperty(
      'name',
      'ExecutionDoesNotExist',
    );
    expect(clock.now().toISOString()).toBe('2026-01-06T00:00:00.999Z');
    ok.destroy();
    failing.destroy();
  });
});
