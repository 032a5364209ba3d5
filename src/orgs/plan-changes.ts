import { Injectable } from '@nestjs/common';
import type { Plan } from '../config/plans';

export type PlanChangeListener = (orgId: string, plan: Plan) => Promise<void>;

/**
 * Tells the modules built on organisations (webhooks) that an operator moved one to another plan,
 * so they can follow its features without this module depending on them.
 */
@Injectable()
export class PlanChanges {
  private readonly listeners: PlanChangeListener[] = [];

  listen(listener: PlanChangeListener): void {
    this.listeners.push(listener);
  }

  async changed(orgId: string, plan: Plan): Promise<void> {
    for (const listener of this.listeners) await listener(orgId, plan);
  }
}
