// Tests never reach AWS: dummy credentials and a region, set before any SDK client is built.
process.env.AWS_ACCESS_KEY_ID = 'AKIDLOCALTEST';
process.env.AWS_SECRET_ACCESS_KEY = 'local-test-secret';
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_DEFAULT_REGION = 'us-east-1';
delete process.env.AWS_PROFILE;
// The SDK warns on every Node 20 process that future releases need Node 22; it is noise in tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Powertools logs every line as JSON to stdout; tests assert on behaviour, not on log noise.
process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT';
// Metrics are printed to stdout in embedded metric format; the tests that check them turn them on.
process.env.POWERTOOLS_METRICS_DISABLED = process.env.POWERTOOLS_METRICS_DISABLED ?? 'true';
// jsii, jsii-docgen and jsii-pacmak (run by the assembly test) print a banner on the machine's
// Node 20, which reached end of life; the package itself requires Node 22 or later.
process.env.JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION = '20';
