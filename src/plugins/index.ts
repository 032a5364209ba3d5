/** The plugin SDK: the only part of the core a plugin may import. */
export * from './channel-plugin';
export * from './channel-catalogue';
export * from './channel-connection';
export * from './channel-images';
export * from './channel-webhooks';
export * from './plugin-call';
export * from './provider-plugin';
export * from './provider-models';
export * from './provider-operations';
export * from './provider-context';
export * from './provider-error';
export { optionProblems } from './plugin-options';
