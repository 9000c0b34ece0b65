/**
 * The AWS JSON protocol server of the stand-ins keeps serving whatever one client does: a client
 * that sends part of its body and goes away ends its own request only.
 */
import { connect } from 'node:net';
import { StandInEndpoint, awsJsonListener } from '../../local/stand-ins/aws-json-server';

let endpoint: StandInEndpoint;

beforeAll(async () => {
  endpoint = await StandInEndpoint.start('test', awsJsonListener({ Echo: async (input) => input }, 'application/x-amz-json-1.1'));
});

afterAll(() => endpoint.close());

const echo = (body: string) =>
  fetch(endpoint.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Test.Echo' },
    body,
  });

describe('StandInEndpoint with an AWS JSON listener', () => {
  it('answers the next client after one sent half of its body (Content-Length 1000) and went away', async () => {
    const { port } = new URL(endpoint.endpoint);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Test.Echo\r\nContent-Length: 1000\r\n\r\n{"half":');
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
    });
    await new Promise((r) => setTimeout(r, 50));

    const answer = await echo('{"whole":true}');

    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ whole: true });
  });
});
