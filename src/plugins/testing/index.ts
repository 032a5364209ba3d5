/**
 * What a plugin's own tests use: the contract suite, a call context and a fake HTTP server. Kept out
 * of the SDK's index so the app never loads vitest.
 */
export * from './describe-provider-contract';
export * from './channel-contract';
export * from './channel-test-context';
export * from './fake-server';
export * from './test-context';
