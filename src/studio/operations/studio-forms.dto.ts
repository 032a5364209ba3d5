import { ApiProperty, IntersectionType, OmitType } from '@nestjs/swagger';
import { BackgroundGenerateDto, BackgroundRemoveDto, RelightShadowDto, UpscaleDto } from './studio-operations.dto';
import { ProcessDto } from './studio.dto';

/** The multipart forms of the studio's routes, for the OpenAPI document: the source as the file `image`, the other fields as text. */
class ImageFileDto {
  @ApiProperty({ type: 'string', format: 'binary', description: "The image file, up to the plan's maxSourceBytes (25 MB by default); JPEG, PNG, WebP, AVIF, TIFF or GIF" })
  image!: unknown;
}

export class ProcessFormDto extends IntersectionType(OmitType(ProcessDto, ['image']), ImageFileDto) {}
export class BackgroundRemoveFormDto extends IntersectionType(OmitType(BackgroundRemoveDto, ['image']), ImageFileDto) {}
export class BackgroundGenerateFormDto extends IntersectionType(OmitType(BackgroundGenerateDto, ['image']), ImageFileDto) {}
export class RelightShadowFormDto extends IntersectionType(OmitType(RelightShadowDto, ['image']), ImageFileDto) {}
export class UpscaleFormDto extends IntersectionType(OmitType(UpscaleDto, ['image']), ImageFileDto) {}
