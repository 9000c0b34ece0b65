/** Jest runs TypeScript through ts-jest; type checking is done once by `tsc --noEmit` in `npm test`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The consumer apps pack and install the package: `npm run test:consumers` (jest.consumers.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/consumers/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  testTimeout: 60000,
};
