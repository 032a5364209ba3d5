import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { MarketplaceRuleDto } from '../marketplaces/marketplace-pack.dto';

/** A check names at most this many slots: every marketplace's slot fits, and each costs a pass over the measurements only. */
export const MAX_SLOTS = 20;

export class ComplianceImageDto {
  @ApiProperty({ description: 'The image as base64 (no data: prefix), up to 20 MB decoded; PNG, JPEG, WebP or AVIF' })
  @IsString()
  @IsNotEmpty()
  data!: string;

  @ApiPropertyOptional({ example: 'image/jpeg', description: 'Informative: the format is read from the bytes' })
  @IsOptional()
  @IsIn(['image/png', 'image/jpeg', 'image/webp', 'image/avif'])
  mimeType?: string;
}

/** A form's files arrive as a list (multipart-form.ts); this route takes one. A form's slots may be one comma-separated field. */
const oneFile = ({ value }: { value: unknown }) => (Array.isArray(value) && value.length === 1 ? value[0] : value);
const slotList = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((slot) => slot.trim()) : value);

export class ComplianceCheckDto {
  @ApiProperty({ type: ComplianceImageDto, description: 'The image to check' })
  @Transform(oneFile)
  @IsObject()
  @ValidateNested()
  @Type(() => ComplianceImageDto)
  image!: ComplianceImageDto;

  @ApiProperty({ type: [String], example: ['amazon-main'], minItems: 1, maxItems: MAX_SLOTS, description: 'Slot ids from GET /api/v1/marketplaces' })
  @Transform(slotList)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SLOTS)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  slots!: string[];
}

export class ComplianceFormDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The image file, up to 20 MB; PNG, JPEG, WebP or AVIF' })
  image!: unknown;

  @ApiProperty({ example: 'amazon-main,shopify-product', description: 'Slot ids, comma-separated (or a JSON array)' })
  slots!: string;
}

export class RuleResultDto extends PickType(MarketplaceRuleDto, ['id', 'description', 'comparison', 'expected', 'severity', 'fixable', 'source']) {
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }], example: 0.9731, description: "What the image measured, in the rule's unit" })
  measured!: number | string | boolean;

  @ApiProperty({ description: 'Whether the measured value meets the rule' })
  pass!: boolean;
}

export class SlotReportDto {
  @ApiProperty({ example: 'amazon-main' })
  slot!: string;

  @ApiProperty({ description: 'No rule of severity error failed (a failing warning does not fail the slot)' })
  pass!: boolean;

  @ApiProperty({ type: [RuleResultDto], description: 'Every rule of the slot, in the pack’s order' })
  rules!: RuleResultDto[];
}

export class ComplianceReportDto {
  @ApiProperty({ type: [SlotReportDto], description: 'One report per slot asked, in the order asked' })
  reports!: SlotReportDto[];
}
