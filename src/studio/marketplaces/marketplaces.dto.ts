import { ApiProperty } from '@nestjs/swagger';

export class MarketplaceSlotSummaryDto {
  @ApiProperty({ example: 'amazon-main', description: 'The slot id, which `/process` takes as a preset' }) id!: string;
  @ApiProperty({ example: 'Main image' }) name!: string;
}

export class MarketplaceSummaryDto {
  @ApiProperty({ example: 'amazon' }) id!: string;
  @ApiProperty({ example: 'Amazon' }) name!: string;
  @ApiProperty({ type: [MarketplaceSlotSummaryDto] }) slots!: MarketplaceSlotSummaryDto[];
}

export class MarketplaceListDto {
  @ApiProperty({ type: [MarketplaceSummaryDto] }) data!: MarketplaceSummaryDto[];
}
