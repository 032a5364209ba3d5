import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { MarketplaceRuleDto } from '../marketplaces/marketplace-pack.dto';
import { oneFile, StudioImageDto } from '../operations/studio-image.dto';

/** A check names at most this many slots: every marketplace's slot fits, and each costs a pass over the measurements only. */
export const MAX_SLOTS = 20;

/** A form's slots may be one comma-separated field. */
const slotList = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((slot) => slot.trim()) : value);

export class ComplianceCheckDto {
  @ApiProperty({ type: StudioImageDto, description: 'The image to check: base64 data, a gallery imageId or a url; in a form, the file `image`' })
  @Transform(oneFile)
  @IsObject()
  @ValidateNested()
  @Type(() => StudioImageDto)
  image!: StudioImageDto;

  @ApiProperty({ type: [String], example: ['amazon-main'], minItems: 1, maxItems: MAX_SLOTS, description: 'Slot ids from GET /api/v1/marketplaces' })
  @Transform(slotList)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SLOTS)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  slots!: string[];

  @ApiPropertyOptional({ description: "Also make the image pass: it is processed with the first slot's preset (see /process), and the answer carries the fixed image and its new reports. Costs STUDIO_PRICE_COMPLIANCE_FIX credits; a check alone costs none" })
  @IsOptional()
  @IsBoolean()
  fix?: boolean;
}

export class ComplianceFormDto {
  @ApiProperty({ type: 'string', format: 'binary', description: "The image file, up to the plan's maxSourceBytes (25 MB by default); JPEG, PNG, WebP, AVIF, TIFF or GIF" })
  image!: unknown;

  @ApiProperty({ example: 'amazon-main,shopify-product', description: 'Slot ids, comma-separated (or a JSON array)' })
  slots!: string;

  @ApiPropertyOptional({ example: 'true', description: 'true to fix the image too' })
  fix?: string;
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
