/** The plugin SDK: the only part of the core a plugin may import. */
export * from './channel-plugin';
export * from './provider-plugin';
