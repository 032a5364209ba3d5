import { MikroORM } from '@mikro-orm/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Global, Inject, Module, OnModuleInit, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { databaseKind, ormOptions } from './orm-options';

@Global()
@Module({})
export class DatabaseModule implements OnModuleInit {
  constructor(private readonly orm: MikroORM, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [MikroOrmModule.forRoot({ ...ormOptions(config), registerRequestContext: false })],
    };
  }

  /**
   * SQLite in write-ahead-log mode with NORMAL sync: readers never wait for the writer and a commit
   * no longer waits for a full disk sync (still durable across process crashes; the last commits can
   * be lost only on power loss). The driver runs statements on the main thread, so each waited-for
   * sync stalled every request.
   */
  async onModuleInit(): Promise<void> {
    if (databaseKind(this.config) !== 'sqlite') return;
    const connection = this.orm.em.getConnection();
    await connection.execute('pragma journal_mode = wal');
    await connection.execute('pragma synchronous = normal');
  }
}
