import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class QuoteTargetDto {
  @ApiProperty({ example: 'stability' }) provider!: string;
  @ApiProperty({ example: 'core' }) model!: string;
}

export class QuoteRouteDto {
  @ApiProperty({ example: 'aura', description: 'The provider id the job would go to' }) provider!: string;
  @ApiProperty({ example: 'aura', description: "That provider's model" }) model!: string;
  @ApiPropertyOptional({ type: [QuoteTargetDto], description: 'Where it would fall back to, in order (the request\'s fallback or its organisation\'s routing policy, less the targets that cannot take it)' })
  fallback?: QuoteTargetDto[];
}

export class QuoteItemDto {
  @ApiProperty({ example: 'images.generate' }) operation!: string;
  @ApiProperty({ description: 'Credits submitting it would reserve (with fallbacks, the dearest target\'s price; the job is charged what the target that answers costs)' }) credits!: number;
  @ApiProperty({ example: '1 image(s) with aura/aura', description: 'What the reservation would say in the ledger' }) reason!: string;
  @ApiPropertyOptional({ type: QuoteRouteDto, description: 'Operations that call a provider (images.generate, images.edit): where the job would go' })
  route?: QuoteRouteDto;
}

export class QuoteDto {
  @ApiProperty({ description: 'Credits submitting the body would reserve: the sum of its items' }) credits!: number;
  @ApiProperty({ description: "The organisation's balance now" }) creditsBalance!: number;
  @ApiProperty({ description: 'Whether the balance covers credits (else POST /api/v1/jobs would answer 402 insufficient_credits)' }) enough!: boolean;
  @ApiProperty({ type: [QuoteItemDto], description: "Each operation: the body's, or each of its items in order" }) items!: QuoteItemDto[];
}
