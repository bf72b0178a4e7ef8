import type { Logger } from '@dictamesh/runtime';
import type { DemandControlOptions } from './plugins/demand-control';
import type { GatewayRateLimits, RateLimitBudgets } from './plugins/rate-limit';

/** The demand control limits that change live: every {@link DemandControlOptions} limit and the parser's token limit. */
export type DemandControlLimits = Required<
  Pick<DemandControlOptions, 'maxCost' | 'maxDepth' | 'maxAliases' | 'maxRootFields' | 'maxSelections' | 'defaultListSize' | 'mode'>
> & {
  maxTokens: number;
};

/** What {@link GatewaySettings.apply} takes: the limits to change (others keep their value). */
export interface GatewaySettingsUpdate {
  rateLimits?: Partial<RateLimitBudgets>;
  demandControl?: Partial<DemandControlLimits>;
}

/** The limits in force. */
export interface GatewaySettingsState {
  /** Null when the gateway runs without rate limits (`RATE_LIMIT=off`). */
  rateLimits: RateLimitBudgets | null;
  demandControl: DemandControlLimits;
}

/**
 * The gateway's limits that change without a restart (DictaMesh's `rateLimit.*` and
 * `demandControl.*` settings, applied by the config client): the rate limit budgets (new windows
 * at once) and the demand control limits (the next operation). The objects given are the ones
 * the plugins read on every operation: `demandControl` the demand-control plugin's options,
 * `parseOptions` Apollo Server's (documents already parsed and cached keep passing a lowered
 * token limit).
 */
export class GatewaySettings {
  constructor(
    private readonly demandControl: Omit<DemandControlLimits, 'maxTokens'>,
    private readonly parseOptions: { maxTokens: number },
    private readonly rateLimits: GatewayRateLimits | undefined,
    private readonly log: Logger,
  ) {}

  /** The limits in force now. */
  current(): GatewaySettingsState {
    const { maxCost, maxDepth, maxAliases, maxRootFields, maxSelections, defaultListSize, mode } = this.demandControl;
    return {
      rateLimits: this.rateLimits?.current ?? null,
      demandControl: {
        maxCost,
        maxDepth,
        maxAliases,
        maxRootFields,
        maxSelections,
        defaultListSize,
        mode,
        maxTokens: this.parseOptions.maxTokens,
      },
    };
  }

  /**
   * Applies new limits at once; limits left out keep their value. Rate limits given to a gateway
   * without rate limits are ignored with a warning.
   * @throws RangeError for a limit that is not a positive integer (0 allowed for `maxAliases`) or an unknown mode; nothing applied
   */
  apply(update: GatewaySettingsUpdate): void {
    const { maxTokens, ...demand } = update.demandControl ?? {};
    for (const [name, value] of Object.entries({ ...demand, ...(maxTokens === undefined ? {} : { maxTokens }) })) {
      const valid =
        name === 'mode'
          ? value === 'enforce' || value === 'measure'
          : Number.isInteger(value) && (value as number) >= (name === 'maxAliases' ? 0 : 1);
      if (!valid) throw new RangeError(`demand control ${name} cannot be ${String(value)}`);
    }
    if (update.rateLimits && Object.keys(update.rateLimits).length) {
      if (this.rateLimits) this.rateLimits.update(update.rateLimits);
      else
        this.log.warn(
          { keys: Object.keys(update.rateLimits) },
          'rate limit settings ignored: this gateway runs without rate limits (RATE_LIMIT=off)',
        );
    }
    Object.assign(this.demandControl, Object.fromEntries(Object.entries(demand).filter(([, v]) => v !== undefined)));
    if (maxTokens !== undefined) this.parseOptions.maxTokens = maxTokens;
    if (update.demandControl) this.log.info({ demandControl: this.current().demandControl }, 'demand control limits updated');
  }
}
