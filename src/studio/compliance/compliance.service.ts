import { Injectable } from '@nestjs/common';
import type { RequestAuth } from '../../tenancy/principal';
import { StudioRequestChecks } from '../operations/studio-requests';
import { StudioSources } from '../operations/studio-sources';
import type { ComplianceCheckDto, ComplianceReportDto } from './compliance.dto';
import { evaluateSlot } from './evaluate-slot';
import { measureImage, metricsOf } from './measure-image';

/** A compliance check without fix: nothing is stored or charged, so it runs in the request. */
@Injectable()
export class ComplianceService {
  constructor(private readonly checks: StudioRequestChecks, private readonly sources: StudioSources) {}

  /** Measures the image once and holds it against each slot asked, each once, in the order asked. */
  async check(auth: RequestAuth, dto: ComplianceCheckDto): Promise<ComplianceReportDto> {
    const slots = [...new Set(dto.slots)].map((id) => this.checks.slot(id, 'slots'));
    const { source, plan } = await this.sources.read(auth, dto.image);
    const measurements = await measureImage(source.bytes, plan.maxSourcePixels, metricsOf(slots));
    return { reports: slots.map((slot) => evaluateSlot(slot, measurements)) };
  }
}
