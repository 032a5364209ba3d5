import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { PluginCatalog } from './plugin-catalog';
import { PluginRegistry } from './plugin-registry';

/** The registry, plus the plugin modules configuration asked for (loaded by loadPluginModules). */
@Global()
@Module({})
export class PluginsModule {
  static forRoot(pluginModules: (Type | DynamicModule)[]): DynamicModule {
    return {
      module: PluginsModule,
      imports: pluginModules,
      providers: [PluginRegistry, PluginCatalog],
      exports: [PluginRegistry],
    };
  }
}
