import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { parse } from 'yaml';
import { ConfigError, packageRoot } from '../../config/load-config';
import { MarketplacePackDto } from './marketplace-pack.dto';

/** The packs this installation serves, by id, in the order they were read (shipped first). */
export class MarketplacePacks {
  constructor(private readonly byId: ReadonlyMap<string, MarketplacePackDto>) {}

  all(): MarketplacePackDto[] {
    return [...this.byId.values()];
  }

  get(id: string): MarketplacePackDto | undefined {
    return this.byId.get(id);
  }
}

/** Every class-validator problem as `field: message`, the field written as a path (slots.0.rules.2.source). */
function fieldProblems(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    return [...Object.values(e.constraints ?? {}).map((m) => `${field}: ${m}`), ...fieldProblems(e.children ?? [], field)];
  });
}

/** What class-validator cannot see: one of fill and margin per slot, ids unique within a pack. */
function packProblems(pack: MarketplacePackDto): string[] {
  const problems: string[] = [];
  pack.slots.forEach((slot, i) => {
    if ((slot.defaults.fill === undefined) === (slot.defaults.margin === undefined)) problems.push(`slots.${i}.defaults: give fill or margin (one of them)`);
    const seen = new Set<string>();
    slot.rules.forEach((rule, j) => {
      if (seen.has(rule.id)) problems.push(`slots.${i}.rules.${j}.id: "${rule.id}" appears twice in slot ${slot.id}`);
      seen.add(rule.id);
    });
  });
  return problems;
}

function readPack(file: string, shown: string): { pack?: MarketplacePackDto; problems: string[] } {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { problems: [`${shown} is not valid YAML: ${(err as Error).message.split('\n')[0]}`] };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { problems: [`${shown} must hold one pack (a mapping with id, name and slots)`] };
  const pack = plainToInstance(MarketplacePackDto, raw);
  const invalid = fieldProblems(validateSync(pack, { whitelist: true, forbidNonWhitelisted: true }));
  const problems = (invalid.length ? invalid : packProblems(pack)).map((p) => `${shown}: ${p}`);
  return problems.length ? { problems } : { pack, problems };
}

const packFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(dir, f)) : []);

/**
 * Reads the shipped packs (config/marketplaces/), then the operator's (CONFIG_DIR/marketplaces/),
 * where a pack with a shipped pack's id replaces it and any other id adds one. Throws one
 * ConfigError naming every file and field that does not validate, so start-up stops on a bad pack.
 */
export function loadMarketplacePacks(configDir: string, shippedDir = join(packageRoot(), 'config', 'marketplaces')): MarketplacePacks {
  const problems: string[] = [];
  const byId = new Map<string, MarketplacePackDto>();
  const fileOf = new Map<string, string>();
  const ownDir = resolve(configDir, 'marketplaces');
  const folders = [packFiles(shippedDir)];
  if (ownDir !== resolve(shippedDir)) folders.push(packFiles(ownDir));
  for (const files of folders) {
    const ownIds = new Set<string>();
    for (const file of files) {
      const inCwd = relative(process.cwd(), file);
      const shown = inCwd.startsWith('..') ? file : inCwd;
      const { pack, problems: found } = readPack(file, shown);
      problems.push(...found);
      if (!pack) continue;
      // Within one folder an id is unique; the operator's folder may reuse a shipped id to replace that pack.
      if (ownIds.has(pack.id)) problems.push(`${shown}: id: "${pack.id}" is also the id of ${fileOf.get(pack.id)}`);
      ownIds.add(pack.id);
      byId.set(pack.id, pack);
      fileOf.set(pack.id, shown);
    }
  }
  const slotOwner = new Map<string, string>();
  for (const pack of byId.values()) {
    for (const slot of pack.slots) {
      const other = slotOwner.get(slot.id);
      if (other) problems.push(`${fileOf.get(pack.id)}: slot id "${slot.id}" is also a slot of pack ${other}: slot ids name presets and must be unique`);
      slotOwner.set(slot.id, pack.id);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return new MarketplacePacks(byId);
}
