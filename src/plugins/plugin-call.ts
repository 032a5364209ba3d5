/**
 * What every plugin call shares, whatever the kind of plugin: one outbound HTTP client, one logger
 * and one error taxonomy. Channel plugins use these names; they are the very types and class that
 * provider plugins know as ProviderHttp, ProviderLogger and ProviderError, so the core retries,
 * waits and maps errors to catalogue codes the same way for both.
 */
export { ProviderError as PluginError, PROVIDER_ERROR_KINDS as PLUGIN_ERROR_KINDS, providerErrorFromStatus as pluginErrorFromStatus } from './provider-error';
export type { ProviderErrorKind as PluginErrorKind, ProviderErrorOptions as PluginErrorOptions } from './provider-error';
export type { ProviderFetch as PluginFetch, ProviderHttp as PluginHttp, ProviderLogger as PluginLogger } from './provider-context';
