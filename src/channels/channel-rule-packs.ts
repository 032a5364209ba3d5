import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import type { ChannelImageSlot } from '../plugins/channel-images';
import type { ChannelPluginMetadata } from '../plugins/channel-plugin';
import type { RegisteredChannel } from '../plugins/plugin-registry';
import type { MarketplacePackDto, MarketplaceSlotDto } from '../studio/marketplaces/marketplace-pack.dto';
import { MarketplacePacks } from '../studio/marketplaces/marketplace-packs';

const invalid = (message: string) => new AppError('validation_failed', message, { fields: [{ field: 'rulePack', messages: [message] }] });

/**
 * Which marketplace rule pack checks a connection's images, and which of its slots checks an image
 * of a given channel slot or position: the pack slot named `<pack>-<channel slot>` (amazon-main for
 * Amazon's main slot), else the pack's first slot (shopify-product for every Shopify image).
 */
@Injectable()
export class ChannelRulePacks {
  constructor(private readonly packs: MarketplacePacks) {}

  /**
   * The pack a connection is made with: the one asked for (400 when no such pack is installed), null
   * when asked for none, else the channel's default when this installation has it.
   */
  forConnection(metadata: ChannelPluginMetadata, asked: string | null | undefined): string | null {
    if (asked === null) return null;
    if (asked !== undefined) {
      if (!this.packs.get(asked)) throw invalid(`rulePack: no rule pack "${asked}"; installed: ${this.packs.all().map((p) => p.id).join(', ')}`);
      return asked;
    }
    const preferred = metadata.rulePack;
    return preferred && this.packs.get(preferred) ? preferred : null;
  }

  pack(rulePack: string | null): MarketplacePackDto | null {
    return rulePack === null ? null : (this.packs.get(rulePack) ?? null);
  }

  /** The pack slot checking images of the channel slot `slotId`; null when the connection has no pack (or it was removed). */
  slotFor(rulePack: string | null, slotId: string): MarketplaceSlotDto | null {
    const pack = this.pack(rulePack);
    if (!pack) return null;
    return pack.slots.find((s) => s.id === `${pack.id}-${slotId}`) ?? pack.slots[0] ?? null;
  }

  /** The pack slot checking the image at `position` (1-based) of a product: through the channel slot that position falls in. */
  slotAt(rulePack: string | null, channel: RegisteredChannel, position: number): MarketplaceSlotDto | null {
    const slot = channelSlotAt(channel, position);
    return slot ? this.slotFor(rulePack, slot.id) : null;
  }
}

/** The channel slot holding `position` (1-based); past every slot's range, the last slot. */
export function channelSlotAt(channel: RegisteredChannel, position: number): ChannelImageSlot | undefined {
  const slots = channel.metadata.imageSlots;
  const holding = slots.filter((s) => position >= s.firstPosition && (s.maxImages === undefined || position < s.firstPosition + s.maxImages));
  return holding.at(-1) ?? slots.at(-1);
}
