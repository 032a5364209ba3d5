import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { CLIENT_TOKEN_SCOPES, type Scope } from '../../tenancy/scopes';

export class ClientTokenKeyCreateDto {
  @ApiProperty({ example: 'storefront backend', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: ['HS256', 'RS256', 'ES256'] })
  @IsIn(['HS256', 'RS256', 'ES256'])
  algorithm!: 'HS256' | 'RS256' | 'ES256';

  @ApiPropertyOptional({ description: 'HS256 only: the shared secret, at least 32 characters. Stored encrypted, never returned.', minLength: 32 })
  @IsOptional()
  @IsString()
  @MinLength(32)
  @MaxLength(512)
  secret?: string;

  @ApiPropertyOptional({ description: 'RS256/ES256 only: the public key as PEM (SPKI, "BEGIN PUBLIC KEY")' })
  @IsOptional()
  @IsString()
  @MaxLength(8192)
  publicKey?: string;

  @ApiProperty({ enum: CLIENT_TOKEN_SCOPES, isArray: true, description: 'The most a token signed with this key may grant; at most what you hold' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(CLIENT_TOKEN_SCOPES, { each: true })
  scopes!: Scope[];
}

export class ClientTokenKeyDto {
  @ApiProperty({ description: 'Put this in the "kid" header of the tokens you sign', example: 'ctk_0193...' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['HS256', 'RS256', 'ES256'] }) algorithm!: string;
  @ApiProperty({ enum: CLIENT_TOKEN_SCOPES, isArray: true }) scopes!: string[];
  @ApiProperty({ nullable: true, type: String }) publicKey!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ClientTokenKeyListDto {
  @ApiProperty({ type: [ClientTokenKeyDto] }) data!: ClientTokenKeyDto[];
}
