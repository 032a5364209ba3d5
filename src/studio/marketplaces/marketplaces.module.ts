import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { loadMarketplacePacks, MarketplacePacks } from './marketplace-packs';
import { MarketplacesController } from './marketplaces.controller';
import { MarketplacesService } from './marketplaces.service';

/** The marketplace rule packs and their routes. */
@Module({})
export class MarketplacesModule {
  /**
   * Reads and validates the packs here, while the app module is built, so a bad pack stops start-up
   * with a ConfigError. Global: the studio's other modules read the same packs.
   */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MarketplacesModule,
      global: true,
      controllers: [MarketplacesController],
      providers: [{ provide: MarketplacePacks, useValue: loadMarketplacePacks(config.configDir) }, MarketplacesService],
      exports: [MarketplacePacks],
    };
  }
}
