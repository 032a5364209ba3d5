import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Organization } from '../../tenancy/organization.entity';
import type { StepTiming } from '../pipeline/studio-pipeline';
import type { SlotReport } from '../compliance/evaluate-slot';

/** What a studio job reports beside its image, as JobDto.report shows it. */
export interface StudioReport {
  steps: StepTiming[];
  /** The output's compliance per slot (a preset's, or /compliance's slots); a check without fix: the source's. */
  compliance?: SlotReport[];
  /** /compliance with fix: the source's reports, before the fix. */
  sourceCompliance?: SlotReport[];
  /** Echoed back: the caller's own name for the preset. */
  presetLabel?: string;
}

/** A completed studio job's report, written in the transaction that completes it. */
@Entity({ tableName: 'studio_results' })
export class StudioResult {
  @PrimaryKey({ type: 'string', length: 36 })
  jobId!: string;

  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade' })
  orgId!: string;

  @Property({ type: 'json' })
  report!: StudioReport;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
