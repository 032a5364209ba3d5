import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { MAX_SOURCE_BYTES } from '../../images/generation.service';
import { base64Source, decodeSource } from '../../images/source-image';
import type { MarketplaceSlotDto } from '../marketplaces/marketplace-pack.dto';
import { MarketplacePacks } from '../marketplaces/marketplace-packs';
import type { ComplianceCheckDto, ComplianceReportDto } from './compliance.dto';
import { evaluateSlot } from './evaluate-slot';
import { measureImage } from './measure-image';

@Injectable()
export class ComplianceService {
  constructor(private readonly packs: MarketplacePacks) {}

  /** Measures the image once and holds it against each slot asked; nothing is stored. */
  async check(dto: ComplianceCheckDto): Promise<ComplianceReportDto> {
    const slots = this.slots(dto.slots);
    const bytes = base64Source(dto.image.data, MAX_SOURCE_BYTES, 0, 'image');
    await decodeSource(bytes, 0, 'image');
    const measurements = await measureImage(bytes);
    return { reports: slots.map((slot) => evaluateSlot(slot, measurements)) };
  }

  /** The slots asked, each once, in the order asked; an unknown id is named with the known ones. */
  private slots(ids: string[]): MarketplaceSlotDto[] {
    const known = new Map(this.packs.all().flatMap((pack) => pack.slots.map((slot) => [slot.id, slot] as const)));
    const unknown = ids.find((id) => !known.has(id));
    if (unknown !== undefined) {
      const message = `slots: no marketplace has a slot "${unknown}"; known slots: ${[...known.keys()].join(', ')}`;
      throw new AppError('validation_failed', message, { fields: [{ field: 'slots', messages: [message] }] });
    }
    return [...new Set(ids)].map((id) => known.get(id)!);
  }
}
