import { mayFollowFailedAttempt } from '../../lambda/shared/domain/attempt';

describe('mayFollowFailedAttempt', () => {
  it.each<[string, unknown, boolean]>([
    ['first attempt, never redriven', { retryCount: 0, redriveCount: 0 }, false],
    ['a retry', { retryCount: 1, redriveCount: 0 }, true],
    ['a later retry', { retryCount: 5, redriveCount: 0 }, true],
    ['a redriven execution', { retryCount: 0, redriveCount: 1 }, true],
    ['no attempt context (a definition deployed before it was passed)', undefined, true],
    ['null', null, true],
    ['a count missing', { retryCount: 0 }, true],
    ['a count that is not a number', { retryCount: '0', redriveCount: 0 }, true],
    ['not an object', 0, true],
  ])('%s → %p', (_label, attempt, expected) => {
    expect(mayFollowFailedAttempt(attempt)).toBe(expected);
  });
});
