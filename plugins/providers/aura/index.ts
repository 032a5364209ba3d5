import { AuraProviderModule } from './aura.module';

/** The plugin loader takes a plugin folder's module from its default export. */
export default AuraProviderModule;
