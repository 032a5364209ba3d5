/**
 * What a plugin's own tests and fakes use: the contract suite, a call context, a fake HTTP server and
 * a small MP4 for video fakes. Kept out of the SDK's index so the app never loads vitest.
 */
export * from './describe-provider-contract';
export * from './channel-contract';
export * from './channel-test-context';
export * from './fake-server';
export * from './test-context';
export * from './tiny-mp4';
export * from './webhook-receiver';
