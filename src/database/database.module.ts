import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { ormOptions } from './orm-options';
import { PreparedSql } from './prepared-sql';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [MikroOrmModule.forRoot({ ...ormOptions(config), registerRequestContext: false })],
      providers: [PreparedSql],
      exports: [PreparedSql],
    };
  }
}
