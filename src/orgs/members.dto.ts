import { ApiProperty } from '@nestjs/swagger';

export class RevokedApiKeyDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'drk_live_K1VlP9' }) prefix!: string;
}

export class MemberRemovedDto {
  @ApiProperty() userId!: string;
  @ApiProperty({ type: [RevokedApiKeyDto], description: 'The API keys the member had created in the organisation, revoked with the removal' })
  revokedApiKeys!: RevokedApiKeyDto[];
}
