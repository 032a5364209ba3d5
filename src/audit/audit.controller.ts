import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../tenancy/access.decorators';
import { AuditPageDto, AuditQueryDto } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('Organizations')
@Controller('api/v1/orgs/:orgId/audit-log')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequireScope('org:admin')
  @ApiOperation({ summary: "List the organisation's audit log, newest first" })
  @ApiOkResponse({ type: AuditPageDto })
  listAuditLog(@Param('orgId') orgId: string, @Query() query: AuditQueryDto): Promise<AuditPageDto> {
    return this.audit.list(orgId, query);
  }
}
