import { forwardRef, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ApiKeyAuthModule } from '../auth/api-keys/api-key-auth.module';
import { AdminController } from './admin.controller';
import { MembersController } from './members.controller';
import { MembersRepository } from './members.repository';
import { MembersService } from './members.service';
import { OrgsController } from './orgs.controller';
import { OrgsService } from './orgs.service';
import { PlanChanges } from './plan-changes';
import { TenancyModule } from '../tenancy/tenancy.module';
import { TeamsController } from './teams.controller';
import { TeamsRepository } from './teams.repository';
import { TeamsService } from './teams.service';

@Module({
  imports: [TenancyModule, forwardRef(() => AuditModule), ApiKeyAuthModule],
  controllers: [OrgsController, MembersController, TeamsController, AdminController],
  providers: [OrgsService, PlanChanges, MembersService, MembersRepository, TeamsService, TeamsRepository],
  exports: [TenancyModule, TeamsRepository, PlanChanges],
})
export class OrgsModule {}
