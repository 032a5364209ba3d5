import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, MaxLength } from 'class-validator';
import { PROVIDER_OPERATIONS } from '../plugins/provider-models';
import { MAX_TARGETS } from './provider-router';

export class RoutingPolicySaveDto {
  @ApiProperty({
    type: [String], example: ['openai/gpt-image-medium', 'stability/core', 'aura'], minItems: 1, maxItems: MAX_TARGETS,
    description: 'The targets, tried in order, each the fallback of the one before: `provider/model`, or a provider id for its default model for the operation',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TARGETS)
  @IsString({ each: true })
  @MaxLength(140, { each: true })
  targets!: string[];
}

export class RoutingPolicyDto {
  @ApiProperty({ enum: PROVIDER_OPERATIONS }) operation!: string;
  @ApiProperty({ type: [String] }) targets!: string[];
  @ApiProperty({ description: 'The credential that saved it last' }) updatedBy!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class RoutingPolicyListDto {
  @ApiProperty({ type: [RoutingPolicyDto] }) data!: RoutingPolicyDto[];
}
