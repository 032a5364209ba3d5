import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrgId, RequireScope } from '../tenancy/access.decorators';
import { SubscriptionDto } from './subscription.dto';
import { SubscriptionService } from './subscription.service';

@ApiTags('Credits')
@Controller('api/v1/subscription')
export class SubscriptionController {
  constructor(private readonly subscriptions: SubscriptionService) {}

  @Get()
  @RequireScope('credits:read')
  @ApiOperation({ summary: "Get the organisation's plan and what it allows" })
  @ApiOkResponse({ type: SubscriptionDto })
  getSubscription(@OrgId() orgId: string): Promise<SubscriptionDto> {
    return this.subscriptions.get(orgId);
  }
}
