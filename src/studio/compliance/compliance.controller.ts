import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AcceptsMultipart } from '../../common/http/multipart-form';
import { RequireScope, WorkRequest } from '../../tenancy/access.decorators';
import { ComplianceCheckDto, ComplianceFormDto, ComplianceReportDto } from './compliance.dto';
import { ComplianceService } from './compliance.service';

/** Checking stores nothing and charges no credits; it is work, counted as one unit (docs/studio.md). */
@ApiTags('Studio')
@Controller('api/v1/compliance')
export class ComplianceController {
  constructor(private readonly compliance: ComplianceService) {}

  @Post()
  @HttpCode(200)
  @RequireScope('studio:process')
  @WorkRequest()
  @AcceptsMultipart({ sources: 'image', json: ['slots'] }, ComplianceFormDto)
  @ApiOperation({ summary: "Check an image against marketplace slots' rules: per slot, whether it passes and each rule's measured and expected value" })
  @ApiOkResponse({ type: ComplianceReportDto })
  check(@Body() dto: ComplianceCheckDto): Promise<ComplianceReportDto> {
    return this.compliance.check(dto);
  }
}
