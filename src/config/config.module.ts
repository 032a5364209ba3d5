import { Global, Module, type DynamicModule } from '@nestjs/common';
import { decodeEncryptionKey, SecretBox } from '../common/crypto/secret-box';
import { APP_CONFIG, type AppConfig } from './app-config';
import { PlansService } from './plans.service';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: SecretBox, useFactory: () => new SecretBox(decodeEncryptionKey(config.encryptionKey)) },
        PlansService,
      ],
      exports: [APP_CONFIG, SecretBox, PlansService],
    };
  }
}
