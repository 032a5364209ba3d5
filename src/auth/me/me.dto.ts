import { ApiProperty } from '@nestjs/swagger';
import { PlanDto, PlanFeaturesDto } from '../../credits/subscription.dto';
import { ROLES } from '../../tenancy/roles';
import { ALL_SCOPES } from '../../tenancy/scopes';

export class MeUserDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty() emailVerified!: boolean;
}

export class MeCredentialDto {
  @ApiProperty({ enum: ['session', 'api_key', 'client_token'] }) type!: string;
  @ApiProperty({ description: 'API key id, signing key id, or session id' }) id!: string;
  @ApiProperty({ enum: ALL_SCOPES, isArray: true, description: 'Scopes in the current organisation' }) scopes!: string[];
}

export class MeOrgDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES, nullable: true, type: String }) role!: string | null;
}

export class MeDto {
  @ApiProperty({ type: MeUserDto, nullable: true, description: 'null for API keys and client tokens' }) user!: MeUserDto | null;
  @ApiProperty({ type: MeCredentialDto }) credential!: MeCredentialDto;
  @ApiProperty({ type: [MeOrgDto] }) organizations!: MeOrgDto[];
  @ApiProperty({ type: MeOrgDto, nullable: true, description: 'The organisation this credential acts in' }) currentOrganization!: MeOrgDto | null;
  @ApiProperty({ type: PlanDto, nullable: true }) plan!: PlanDto | null;
  @ApiProperty({ nullable: true, type: Number }) creditsBalance!: number | null;
  @ApiProperty({ type: PlanFeaturesDto, nullable: true, description: 'Feature flags of the plan' }) features!: PlanFeaturesDto | null;
}
