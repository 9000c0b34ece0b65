/**
 * `npm run test:consumers`: the packed tarball in fresh consumer apps (test/consumers). One worker:
 * each app runs npm, tsc and the CDK CLI itself, and they share npm's cache.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/consumers'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 600000,
};
