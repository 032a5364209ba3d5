import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import type { MarketplacePackDto } from './marketplace-pack.dto';
import { MarketplacePacks } from './marketplace-packs';
import type { MarketplaceListDto } from './marketplaces.dto';

@Injectable()
export class MarketplacesService {
  constructor(private readonly packs: MarketplacePacks) {}

  list(): MarketplaceListDto {
    return { data: this.packs.all().map((p) => ({ id: p.id, name: p.name, slots: p.slots.map((s) => ({ id: s.id, name: s.name })) })) };
  }

  get(id: string): MarketplacePackDto {
    const pack = this.packs.get(id);
    if (!pack) throw AppError.notFound('Marketplace');
    return pack;
  }
}
