import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';

export class ProviderCredentialSaveDto {
  @ApiProperty({
    type: 'object', additionalProperties: { type: 'string' }, example: { apiKey: 'sk-proj-…' },
    description: "The organisation's own key, in the fields the provider plugin's credentials take (docs/providers.md); checked with the provider, then kept encrypted and never shown again",
  })
  @IsObject()
  credentials!: Record<string, unknown>;
}

export class ProviderCredentialDto {
  @ApiProperty({ example: 'openai', description: 'The provider id (GET /api/v1/providers)' }) provider!: string;
  @ApiProperty({
    enum: ['healthy', 'degraded', 'open'],
    description: "The key's circuit in this process: degraded after recent failures, open (passed over by routing) after too many, or once the provider refused the key or said its quota is spent; saving the key again closes it",
  })
  status!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { apiKey: '…x4Qz' }, description: 'The last four characters of each field, never the values' }) hint!: Record<string, string>;
  @ApiProperty({ description: 'The credential that first saved a key for this provider' }) createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When the key was last saved (a rotation)' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: "When the provider accepted the key; null when the plugin has no check to ask it (the key was saved after checking its fields only)" }) verifiedAt!: string | null;
}

export class ProviderCredentialListDto {
  @ApiProperty({ type: [ProviderCredentialDto] }) data!: ProviderCredentialDto[];
}
