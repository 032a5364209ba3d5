import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { CreditsModule } from './credits/credits.module';
import { DatabaseModule } from './database/database.module';
import { DocsModule } from './docs/docs.module';
import { MailModule } from './mail/mail.module';
import { OpsModule } from './ops/ops.module';
import { OrgsModule } from './orgs/orgs.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Fastify already chose the id (kept from x-request-id or generated) and wrote it to the header.
            genReqId: (req) => String(req.headers['x-request-id']),
            customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
            redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
          },
        }),
        DatabaseModule.forRoot(config),
        MailModule,
        OpsModule,
        DocsModule,
        AuditModule,
        OrgsModule,
        CreditsModule,
        AuthModule,
      ],
    };
  }
}
