import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/** A key's circuit as GET /api/v1/providers shows it: closed and clean, closed with recent failures or trying again, open. */
export type CircuitState = 'healthy' | 'degraded' | 'open';

interface Circuit {
  /** Failures in a row since the last success. */
  failures: number;
  /** While in the future, the circuit is open. */
  openUntil: number;
  /** Set when the cooldown ran out and one call was let through: others wait for its answer. */
  trialSince: number | null;
}

/** A trial call that never reports back (its process died) frees the circuit after this long. */
const TRIAL_TIMEOUT_MS = 5 * 60_000;
/** A Retry-After is honoured up to this. */
const MAX_COOLDOWN_MS = 60 * 60_000;

/**
 * One circuit breaker per provider id and key (the platform's, or one organisation's own): after
 * PROVIDER_BREAKER_FAILURES failures in a row that another provider might not have, the router passes
 * the pair over for PROVIDER_BREAKER_COOLDOWN_SECONDS (or the provider's longer Retry-After); then one
 * call tries it, and its success closes the circuit. A refused key or a spent quota opens it at once
 * (one trial call a cooldown finds out whether it was topped up), and saving the organisation's key
 * again closes it. Kept in this process's memory:
 * each API or worker process learns on its own.
 */
@Injectable()
export class CircuitBreakers {
  private readonly circuits = new Map<string, Circuit>();
  private readonly threshold: number;
  private readonly cooldownMs: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.threshold = config.routing.breakerFailures;
    this.cooldownMs = config.routing.breakerCooldownSeconds * 1000;
  }

  /** Whether a call may go to the pair now: closed, or open with its cooldown over and no other trial under way (this call becomes it). */
  allow(key: string): boolean {
    const circuit = this.circuits.get(key);
    if (!circuit || circuit.openUntil === 0) return true;
    const now = Date.now();
    if (now < circuit.openUntil) return false;
    if (circuit.trialSince !== null && now - circuit.trialSince < TRIAL_TIMEOUT_MS) return false;
    circuit.trialSince = now;
    return true;
  }

  /** The provider answered (its refusal of the request's content counts: the provider is up). */
  succeeded(key: string): void {
    this.circuits.delete(key);
  }

  /** A call that ended without a verdict (it was cancelled): another may try. */
  released(key: string): void {
    const circuit = this.circuits.get(key);
    if (circuit) circuit.trialSince = null;
  }

  /** A failure another target might not have (5xx, timeout, rate limit): counts towards opening, or reopens a circuit on trial. */
  failed(key: string, retryAfterMs?: number): void {
    const circuit = this.circuit(key);
    circuit.failures += 1;
    if (circuit.failures >= this.threshold || circuit.trialSince !== null) this.open(circuit, Math.max(this.cooldownMs, Math.min(retryAfterMs ?? 0, MAX_COOLDOWN_MS)));
  }

  /** The key was refused or its quota is spent: no use trying it again before the cooldown. */
  keyRejected(key: string): void {
    this.open(this.circuit(key), this.cooldownMs);
  }

  /** Forgets the pair's failures: a new key was saved for it. */
  reset(key: string): void {
    this.circuits.delete(key);
  }

  state(key: string): CircuitState {
    const circuit = this.circuits.get(key);
    if (!circuit) return 'healthy';
    if (circuit.openUntil > Date.now()) return 'open';
    return 'degraded';
  }

  /** When an open circuit lets a call try again, in epoch milliseconds; null when it is not open. */
  reopensAt(key: string): number | null {
    const circuit = this.circuits.get(key);
    return circuit && circuit.openUntil > Date.now() ? circuit.openUntil : null;
  }

  private circuit(key: string): Circuit {
    let circuit = this.circuits.get(key);
    if (!circuit) this.circuits.set(key, (circuit = { failures: 0, openUntil: 0, trialSince: null }));
    return circuit;
  }

  private open(circuit: Circuit, forMs: number): void {
    circuit.openUntil = Date.now() + forMs;
    circuit.trialSince = null;
  }
}

/** The circuit of a provider id on whose key: the platform's, or the organisation's own. */
export const circuitKey = (providerId: string, owner: 'platform' | 'organization', orgId: string) => (owner === 'platform' ? `${providerId}:platform` : `${providerId}:org:${orgId}`);
